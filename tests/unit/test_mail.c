/* test_mail.c - the mail module's pieces: address parsing (GMime, strict),
 * deterministic Message-IDs, the unsubscribe URL,
 * and a built message's shape (the same bytes with the batch's image
 * cache); plus the ledger's states and lock and the
 * subscriber file rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "mail.h"
#include "subscribers.h"

static void test_address(void **state)
{
	char addr[MAIL_ADDR_MAX + 1], name[MAIL_NAME_MAX + 1];
	struct cx_error e;
	(void)state;
	assert_int_equal(mail_parse_address("Ada Lovelace <Ada@Example.ORG>", addr, name, &e), 0);
	assert_string_equal(addr, "Ada@example.org");
	assert_string_equal(name, "Ada Lovelace");
	assert_int_equal(mail_parse_address("bob@example.org", addr, name, &e), 0);
	assert_string_equal(name, "");
	static const char *const bad[] = {
		"bob@", "bob", "@example.org", "a@b@c.org", "a@example",
		"a@example.org, b@example.org", "a@example.org\r\nBcc: x@y.org",
		"a@example.org\n", "", "Group: a@example.org;",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cx_error_clear(&e);
		assert_int_equal(mail_parse_address(bad[i], addr, name, &e), -1);
		assert_int_equal(e.code, CX_EDATA);
	}
}

static void test_message_id(void **state)
{
	char a[MAIL_MSGID_MAX], b[MAIL_MSGID_MAX], c[MAIL_MSGID_MAX];
	(void)state;
	mail_message_id("demo", "2007-05-08", "ada@example.org", "example.com", a);
	mail_message_id("demo", "2007-05-08", "ada@example.org", "example.com", b);
	mail_message_id("demo", "2007-05-09", "ada@example.org", "example.com", c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_non_null(strstr(a, ".2007-05-08@example.com"));
	assert_int_equal(strcspn(a, "."), 32);
}

/* The token itself is tested in test_token.c. */
static void test_token(void **state)
{
	(void)state;
	char *u = mail_unsubscribe_url("https://x.org/u?list=1", "a+b@x.org", "ab");
	assert_string_equal(u, "https://x.org/u?list=1&email=a%2Bb%40x.org&token=ab");
	free(u);
}

static void test_build_rejects_injection(void **state)
{
	struct mail_content c = {
		.from = "R <r@example.com>", .to_addr = "a@example.org", .to_name = "A",
		.subject = "Hello\r\nBcc: victim@example.org", .message_id = "x@example.com",
		.date = 0, .text = "t", .html = "<p>h</p>", .image_dir = ".", .cid_domain = "example.com",
	};
	char *out;
	size_t len;
	struct cx_error e;
	(void)state;
	assert_int_equal(mail_build(&c, &out, &len, &e), -1);
	assert_null(out);
	c.subject = "Hello";
	c.html = "<img src=\"cid:../etc/passwd.png@example.com\">";
	assert_int_equal(mail_build(&c, &out, &len, &e), -1);
	c.html = "<p>no images</p>";
	assert_int_equal(mail_build(&c, &out, &len, &e), 0);
	assert_non_null(strstr(out, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(out, "Content-Type: multipart/alternative"));
	assert_non_null(strstr(out, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	char *again;
	size_t len2;
	assert_int_equal(mail_build(&c, &again, &len2, &e), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(out, again, len);
	free(out);
	free(again);
}

/* A batch's image cache (mail_images) changes no byte: each chart read and
 * base64-encoded once gives the message built with every image read for
 * it alone, for the first message that names it and the ones after. The
 * reference is the cache-less path (GMime's encoding filter on each part). */
static void test_build_image_cache(void **state)
{
	struct mail_content c = {
		.from = "R <r@example.com>", .to_addr = "a@example.org", .to_name = "A",
		.subject = "Hello", .message_id = "x@example.com", .date = 0, .text = "t",
		.html = "<img src=\"cid:charts/SBI-SPI-rolling.png@example.com\">"
			"<img src=\"cid:charts/SBI-SPI-scatter.png@example.com\">"
			"<img src=\"cid:charts/SBI-SPI-rolling.png@example.com\">",
		.image_dir = CONVEX_SRCDIR "/tests/data/report", .cid_domain = "example.com",
	};
	char *plain, *cached, *again;
	size_t n0, n1, n2;
	struct cx_error e;
	(void)state;
	assert_int_equal(mail_build(&c, &plain, &n0, &e), 0);
	c.images = mail_images_new();
	assert_int_equal(mail_build(&c, &cached, &n1, &e), 0);
	c.to_addr = "b@example.org";
	assert_int_equal(mail_build(&c, &again, &n2, &e), 0);
	assert_int_equal(n0, n1);
	assert_memory_equal(plain, cached, n0);
	/* the second message: the cached parts, only To differs */
	assert_non_null(strstr(again, "To: A <b@example.org>\r\n"));
	assert_int_equal(n2, n1);
	/* a missing chart is still an error with the cache */
	c.html = "<img src=\"cid:charts/NOPE.png@example.com\">";
	char *none;
	assert_int_equal(mail_build(&c, &none, &n2, &e), -1);
	assert_int_equal(e.code, CX_ENOINPUT);
	mail_images_free(c.images);
	free(plain);
	free(cached);
	free(again);
}

static void test_ledger(void **state)
{
	char dir[] = "/tmp/convex-ledger.XXXXXX", path[64], lock[80];
	struct cx_error e;
	struct ledger_row row;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/l.sqlite", dir);
	struct ledger *l = ledger_open(path, &e);
	assert_non_null(l);
	assert_null(ledger_open(path, &e));   /* the lock keeps a second one out */
	assert_int_equal(e.code, CX_ETEMPFAIL);
	assert_int_equal(ledger_get(l, "j", "2007-05-08", "a@x.org", &row, &e), 0);
	assert_int_equal(ledger_queue(l, "j", "2007-05-08", "a@x.org", "m1@x.org", 42, &e), 0);
	assert_int_equal(ledger_queue(l, "j", "2007-05-08", "a@x.org", "m2@x.org", 43, &e), 0);
	assert_int_equal(ledger_get(l, "j", "2007-05-08", "a@x.org", &row, &e), 1);
	assert_string_equal(row.status, "queued");
	assert_string_equal(row.message_id, "m1@x.org");   /* first queue wins */
	assert_int_equal(row.date, 42);
	assert_int_equal(ledger_mark(l, "j", "2007-05-08", "a@x.org", "sending", 0, NULL, NULL, &e), 0);
	assert_int_equal(ledger_mark(l, "j", "2007-05-08", "a@x.org", "deferred", 450, "busy", NULL, &e), 0);
	assert_int_equal(ledger_mark(l, "j", "2007-05-08", "a@x.org", "sending", 0, NULL, NULL, &e), 0);
	assert_int_equal(ledger_mark(l, "j", "2007-05-08", "a@x.org", "sent", 250, NULL, "ab", &e), 0);
	assert_int_equal(ledger_get(l, "j", "2007-05-08", "a@x.org", &row, &e), 1);
	assert_string_equal(row.status, "sent");
	assert_int_equal(row.attempts, 2);
	assert_int_equal(row.smtp_code, 250);
	assert_string_equal(row.sha256, "ab");
	assert_int_equal(ledger_mark(l, "j", "2007-05-08", "a@x.org", "bogus", 0, NULL, NULL, &e), -1);
	assert_int_equal(ledger_count(l, "j", "2007-05-08", "sent"), 1);
	ledger_free(l);
	snprintf(lock, sizeof lock, "%s.lock", path);
	unlink(lock);
	snprintf(lock, sizeof lock, "%s-wal", path);
	unlink(lock);
	snprintf(lock, sizeof lock, "%s-shm", path);
	unlink(lock);
	unlink(path);
	rmdir(dir);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/convex-subs.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_subscribers(void **state)
{
	struct cx_error e;
	(void)state;
	char *p = write_tmp("email,name,pairs\n# comment\nA@X.org,Ann,SBI/SPI; rates\nb@x.org,,\na@x.org,Dup,\n");
	char subs[64];
	snprintf(subs, sizeof subs, "%s", p);
	p = write_tmp("B@x.org\n");
	struct subscribers *s = subscribers_load(subs, p, &e);
	unlink(p);
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->v[0].name, "Ann");
	assert_int_equal(s->v[0].npairs, 2);
	assert_string_equal(s->v[0].pairs[1], "rates");
	assert_int_equal(s->v[0].line, 3);
	assert_true(subscribers_suppressed(s, "b@x.org"));
	assert_false(subscribers_suppressed(s, "a@x.org"));
	subscribers_free(s);
	unlink(subs);

	/* A bad row costs that row: the rows around it load, nbad counts it. */
	p = write_tmp("email,name,pairs\nok@x.org,,\nbad@,,\nnext@x.org,N\xff,\nlast@x.org,,\n");
	s = subscribers_load(p, NULL, &e);
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->nbad, 2);
	assert_string_equal(s->v[0].email, "ok@x.org");
	assert_string_equal(s->v[1].email, "last@x.org");
	subscribers_free(s);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_build_rejects_injection),
		cmocka_unit_test(test_build_image_cache),
		cmocka_unit_test(test_ledger),
		cmocka_unit_test(test_subscribers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
