/* cmd.h - the subcommands of convex. Each takes the arguments after its name
 * (argv[0] is the subcommand's name) and returns an exit status (sysexits.h,
 * see err.h). Each prints its own --help. */
#ifndef CONVEX_CMD_H
#define CONVEX_CMD_H

int cmd_stats(int argc, char **argv);   /* cmd_stats.c  */
int cmd_report(int argc, char **argv);  /* cmd_report.c */
int cmd_check(int argc, char **argv);   /* cmd_run.c    */
int cmd_run(int argc, char **argv);     /* cmd_run.c    */
int cmd_merge(int argc, char **argv);   /* cmd_run.c: the shards of a run */
int cmd_send(int argc, char **argv);    /* cmd_send.c   */
int cmd_fetch(int argc, char **argv);   /* cmd_fetch.c  */
int cmd_suppress(int argc, char **argv);    /* cmd_suppress.c */
int cmd_unsubscribe(int argc, char **argv); /* cmd_unsubscribe.c: a CGI program */
int cmd_inbox(int argc, char **argv);       /* cmd_inbox.c */

/* Print "convex: " + message as an error line and return its exit status. */
struct cx_error;
int cmd_fail(const struct cx_error *e);

#endif
