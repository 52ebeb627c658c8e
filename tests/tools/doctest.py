#!/usr/bin/python3
"""doctest.py - run every command the documentation shows (docs/doctest.md).

  doctest.py list [--doc FILE]...           print the extracted commands
  doctest.py run --convex BIN [--doc FILE]... [--pending FILE] [--tally FILE]

Sources (all of them unless --doc names some): README.md and docs/*.md
(```sh fenced blocks), the EXAMPLES of docs/convex.1, the usage lines of
`convex --help` and of every subcommand's --help, and jobs/schedule/*
(crontab lines, systemd ExecStart=, GitHub Actions run: steps, Kubernetes
container args). Each command is one tally line: "pass doc:SRC:LINE: CMD",
"fail ...", or "skip ..." (a block marked <!-- doctest: skip REASON -->, or
a command listed in tests/doctest/pending.txt that still fails).

The commands of one source file run in order, each block in a fresh bash
whose working directory is a scratch copy of the repository (cwd), with the
built convex first on PATH and the test servers of docs/doctest.md running.
Paths and placeholders are rewritten by the table SUBST below.
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PY = "/usr/bin/python3"
BLOCK_TIMEOUT = 600      # seconds a block may take (make demo: ~30 s)
MAX_CMD_LEN = 4096       # longest command line accepted from a document
DEMO_DAY = "2007-05-08"  # the last date of the demo job's Swiss prices

SKIP_RE = re.compile(r"<!--\s*doctest:\s*skip\s+(.*?)\s*-->")
EXIT_RE = re.compile(r"#\s*exits?\s+(\d+(?:\s+or\s+\d+)*)\s*(?:\(|$|;)")
FAKE_ROOT_DIRS = ("/etc/convex", "/var/lib/convex", "/usr/local/share/doc/convex",
                  "/usr/local/share/convex", "/srv/convex")


# ---- extraction --------------------------------------------------------------
class Cmd:
    def __init__(self, src, line, text, block, expect=(0,), skip=None):
        self.src, self.line, self.text, self.block = src, line, text, block
        self.expect, self.skip = expect, skip
        self.prefix = ""        # environment the source sets for the command

    def name(self):
        lines = [ln for ln in self.text.split("\n") if ln.strip()]
        shown = " ; ".join(lines) if len(lines) <= 4 else " ; ".join(lines[:3]) + " ; ..."
        return "%s:%d: %s" % (self.src, self.line, shown)


def join_lines(lines):
    """[(lineno, text)] -> [(lineno, command)]: backslash continuations
    joined, blank lines and whole-line comments dropped; heredocs kept
    whole."""
    out, cur, start, heredoc = [], "", 0, None
    for n, raw in lines:
        if heredoc is not None:
            cur += "\n" + raw
            if raw.strip() == heredoc:
                out.append((start, cur))
                cur, heredoc = "", None
            continue
        s = raw.rstrip()
        if not cur:
            if not s.strip() or s.lstrip().startswith("#"):
                continue
            start = n
            s = re.sub(r"^\s*\$ ", "", s)
        if s.endswith("\\"):
            cur += s[:-1] + " "
            continue
        cur += s
        m = re.search(r"<<-?\s*'?\"?(\w+)'?\"?", cur)
        if m:
            heredoc = m.group(1)
            continue
        out.append((start, cur.strip()))
        cur = ""
    if cur:
        out.append((start, cur.strip()))
    return out


def expected_status(cmd):
    m = EXIT_RE.search(cmd)
    if not m:
        return (0,)
    return tuple(int(x) for x in re.findall(r"\d+", m.group(1)))


def from_markdown(path, rel):
    cmds, lines = [], open(path, encoding="utf-8").read().split("\n")
    skip, i, block = None, 0, 0
    while i < len(lines):
        m = SKIP_RE.search(lines[i])
        if m:
            skip = m.group(1)
        fence = re.match(r"^\s*(```+|~~~+)\s*([\w+-]*)", lines[i])
        if not fence:
            if lines[i].strip() and not m:
                skip = None if not lines[i].lstrip().startswith("<!--") else skip
            i += 1
            continue
        mark, info = fence.group(1), fence.group(2)
        body, j = [], i + 1
        while j < len(lines) and not lines[j].strip().startswith(mark[:3]):
            body.append((j + 1, lines[j]))
            j += 1
        if info in ("sh", "shell", "bash", "console"):
            block += 1
            for n, c in join_lines(body):
                cmds.append(Cmd(rel, n, c, "%s#%d" % (rel, block), expected_status(c), skip))
        skip, i = None, j + 1
    return cmds


def groff_text(s):
    s = s.replace("\\-", "-").replace("\\(aq", "'").replace("\\(dq", '"')
    s = s.replace("\\(rs", "\\").replace("\\e", "\\").replace("\\&", "").replace("\\ ", " ")
    return re.sub(r"\\f[BIRP]", "", s)


def from_man(path, rel):
    cmds, inex, nf, body = [], False, False, []
    lines = open(path, encoding="utf-8").read().split("\n")
    for n, raw in enumerate(lines, 1):
        if raw.startswith(".SH"):
            inex = raw.split(None, 1)[1:] == ["EXAMPLES"]
            continue
        if not inex:
            continue
        if raw.startswith((".nf", ".EX")):
            nf, body = True, []
        elif raw.startswith((".fi", ".EE")):
            nf = False
            for ln, c in join_lines(body):
                if re.match(r"^[0-9*@]", c):            # a crontab line
                    c = crontab_command(c)
                cmds.append(Cmd(rel, ln, c, "%s#%d" % (rel, ln), expected_status(c)))
        elif nf and not raw.startswith("."):
            body.append((n, groff_text(raw)))
    return cmds


def crontab_command(line):
    if line.startswith("@"):
        return line.split(None, 1)[1]
    return line.split(None, 5)[5]


def from_crontab(path, rel):
    cmds = []
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        s = raw.strip()
        if not s or s.startswith("#") or re.match(r"^[A-Z_]+=", s):
            continue
        c = crontab_command(s)
        cmds.append(Cmd(rel, n, c, "%s#%d" % (rel, n)))
    return cmds


def from_systemd(path, rel):
    cmds = []
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r"^\s*Exec(?:Start|StartPre|StartPost)=[-@:+!]*(.*)$", raw)
        if m:
            cmds.append(Cmd(rel, n, m.group(1).strip(), "%s#%d" % (rel, n)))
    return cmds


def yaml_docs(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def line_of(path, needle):
    """The line of PATH holding the longest line of NEEDLE."""
    first = max(needle.strip().split("\n"), key=len).strip()
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        if first and first in raw:
            return n
    return 0


def from_actions(path, rel):
    cmds = []
    for doc in yaml_docs(path):
        for jname, job in (doc.get("jobs") or {}).items():
            matrix = ((job.get("strategy") or {}).get("matrix") or {})
            for step in job.get("steps") or []:
                if "run" not in step:
                    continue
                script = actions_expand(step["run"], doc.get("env") or {}, matrix)
                n = line_of(path, step["run"])
                c = Cmd(rel, n, script.strip(), "%s#%s#%d" % (rel, jname, n))
                env = dict(doc.get("env") or {}, **(job.get("env") or {}), **(step.get("env") or {}))
                c.prefix = "".join("export %s=%s\n" % (k, shlex.quote(str(v))) for k, v in env.items()
                                   if "${{" not in str(v))
                cmds.append(c)
    return cmds


def actions_expand(script, env, matrix):
    """${{ env.X }} -> the env value; a step that uses ${{ matrix.X }} runs
    once per value of X, each in a subshell; secrets.* stay for the
    harness's environment."""
    keys = set(re.findall(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", script))
    if keys:
        k = sorted(keys)[0]
        vals = matrix.get(k)
        vals = vals if isinstance(vals, list) else [vals]
        return " && ".join("(\n%s\n)" % actions_one(script, env, {k: v}) for v in vals)
    return actions_one(script, env, {})


def actions_one(script, env, value):
    def sub(m):
        expr = m.group(1).strip()
        if expr.startswith("matrix."):
            return str(value.get(expr[7:], ""))
        if expr.startswith("env."):
            return str(env.get(expr[4:], ""))
        return m.group(0)
    return re.sub(r"\$\{\{(.*?)\}\}", sub, script)


def walk(o):
    if isinstance(o, dict):
        yield o
        for v in o.values():
            yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)


def from_k8s(path, rel):
    cmds = []
    for doc in yaml_docs(path):
        for o in walk(doc):
            if "image" in o and ("args" in o or "command" in o):
                argv = list(o.get("command") or ["convex"]) + list(o.get("args") or [])
                if argv[:2] in (["sh", "-c"], ["/bin/sh", "-c"]):
                    c = argv[2]
                else:
                    c = " ".join(shlex.quote(a) for a in argv)
                    c = c.replace("'$((", '"$((').replace("))'", '))"')
                n = line_of(path, (o.get("args") or o.get("command"))[0])
                spec = doc.get("spec") or {}
                if spec.get("completionMode") == "Indexed" and "JOB_COMPLETION_INDEX" in c:
                    # An Indexed Job runs one pod per index: all of them, in turn.
                    c = "ok=0; for JOB_COMPLETION_INDEX in $(seq 0 %d); do (%s) || ok=1; done; [ $ok -eq 0 ]" % (
                        int(spec.get("completions", 1)) - 1, re.sub(r"^exec\s+", "", c))
                cmds.append(Cmd(rel, n, c, "%s#%d" % (rel, n)))
    return cmds


def usage_placeholders(sub):
    """The values a usage line's placeholders take, per subcommand."""
    v = {"JOB": "jobs/demo.xml", "YYYY-MM-DD": DEMO_DAY, "N": "2", "K/N": "1/2",
         "URL": "$DOCTEST_SMTP", "FILE": "$DOCTEST_CA", "SECONDS": "30",
         "A/B": "SBI/SPI", "SYMBOL=NAME": "SBI=Bonds", "a4|letter": "a4",
         "[SYMBOL=]FILE...": "jobs/demo/prices/swx.csv", "[SYMBOL=]FILE": "jobs/demo/prices/swx.csv",
         "DIR": "$DOCTEST_TMP/usage-out", "ADDRESS...": "reader@example.com",
         "ADDRESS": "reader@example.com", "R": "manual", "TEXT": "doctest", "SYMBOL": "SBI",
         "PATH": "$DOCTEST_TMP/inbox",
         "RUNDIR": "$DOCTEST_TMP/run/%s" % DEMO_DAY,
         "RUNDIR...": "$DOCTEST_TMP/shards/%s.shard-1-of-2 $DOCTEST_TMP/shards/%s.shard-2-of-2" % (DEMO_DAY, DEMO_DAY)}
    if sub in ("stats", "report"):
        v["FILE"] = "jobs/demo/prices/swx.csv"
    if sub == "fetch":
        # fetch needs a job with HTTP sources: the Stooq example, its host
        # the harness's own web server (serve_prices, point_jobs_at).
        v["JOB"], v["SYMBOL"] = "jobs/stooq.xml", "TLT"
    return v


# Set-up commands for the usage lines: a run directory and two shards.
USAGE_SETUP = ("mkdir -p \"$DOCTEST_TMP/inbox\"; convex run --out \"$DOCTEST_TMP/run\" jobs/demo.xml >/dev/null 2>&1; "
               "convex run --shard 1/2 --out \"$DOCTEST_TMP/shards\" jobs/demo.xml >/dev/null 2>&1; "
               "convex run --shard 2/2 --out \"$DOCTEST_TMP/shards\" jobs/demo.xml >/dev/null 2>&1; true")


def usage_lines(convex):
    """The usage lines of `convex --help` and of each subcommand."""
    top = subprocess.run([convex, "--help"], capture_output=True, text=True).stdout
    subs = re.findall(r"^  ([a-z]+)\s{2,}", top.split("Commands:", 1)[-1], re.M)
    out = []
    for sub in subs:
        text = subprocess.run([convex, sub, "--help"], capture_output=True, text=True).stdout
        cur = None
        for line in text.split("\n"):
            if re.match(r"^(Usage|usage|   or):? ", line.lstrip()) or line.startswith("Usage:"):
                if cur:
                    out.append((sub, cur))
                cur = re.sub(r"^\s*(Usage:|usage:|or:)\s*", "", line.strip())
            elif cur is not None and line.startswith(" ") and line.strip().startswith(("[", "-")):
                cur += " " + line.strip()
            elif cur is not None:
                out.append((sub, cur))
                cur = None
        if cur:
            out.append((sub, cur))
    return out


def split_usage(u):
    """'convex run JOB [--a X] [-b]' -> ('convex run JOB', ['[--a X]', '[-b]'])
    with the positions of the optional groups kept."""
    parts, depth, cur = [], 0, ""
    for ch in u:
        if ch == "[" :
            if depth == 0 and cur.strip():
                parts.append(cur.strip()); cur = ""
            depth += 1
        cur += ch
        if ch == "]":
            depth -= 1
            if depth == 0:
                parts.append(cur.strip()); cur = ""
    if cur.strip():
        parts.append(cur.strip())
    return parts


def alternatives(group):
    """'[--smtp URL [--ca F] | --eml]' -> ['--smtp URL', '--eml']: the
    top-level alternatives of an optional group, nested options dropped."""
    inner = re.sub(r"\[[^\[\]]*\]", "", group[1:-1])
    return [a.strip() for a in inner.split(" | ") if a.strip()]


def instantiate(parts, keep, sub, alt=None):
    vals = usage_placeholders(sub)
    words = []
    for i, p in enumerate(parts):
        if p.startswith("["):
            if i != keep:
                continue
            p = alt if alt is not None else alternatives(p)[0]
        for w in p.split():
            if w.endswith("...") and w not in vals and w[:-3] in vals:
                w = w[:-3]
            if w == "...":
                continue
            words.append(vals.get(w, w))
    return " ".join(words)


def from_usage(convex):
    cmds = []
    for sub, u in usage_lines(convex):
        src = "convex %s --help" % sub
        parts = split_usage(u.replace("[SYMBOL=]", ""))
        variants = [instantiate(parts, -1, sub)]
        for i, p in enumerate(parts):
            if p.startswith("[") and "..." not in p and not re.match(r"^\[-(q|v|vv)\]$", p):
                for a in alternatives(p):
                    variants.append(instantiate(parts, i, sub, a))
        for k, c in enumerate(dict.fromkeys(variants)):
            cmds.append(Cmd(src, k + 1, c, src, (0,)))
    return cmds


def extract(docs, convex):
    cmds = []
    for path in docs:
        rel = os.path.relpath(path, REPO)
        if rel.startswith(".."):
            rel = os.path.abspath(path)
        base = os.path.basename(path)
        if path.endswith(".md"):
            cmds += from_markdown(path, rel)
        elif path.endswith(".1"):
            cmds += from_man(path, rel)
        elif base == "crontab":
            cmds += from_crontab(path, rel)
        elif path.endswith((".service", ".timer")):
            cmds += from_systemd(path, rel)
        elif "github-actions" in base:
            cmds += from_actions(path, rel)
        elif base.startswith("k8s-"):
            cmds += from_k8s(path, rel)
    if convex and not docs_only:
        cmds += from_usage(convex)
    for c in cmds:
        if len(c.text) > MAX_CMD_LEN:
            c.skip = "longer than %d bytes" % MAX_CMD_LEN
    return cmds


def default_docs():
    d = [os.path.join(REPO, "README.md")]
    d += sorted(glob.glob(os.path.join(REPO, "docs", "*.md")))
    d += [os.path.join(REPO, "docs", "convex.1")]
    d += sorted(glob.glob(os.path.join(REPO, "jobs", "schedule", "*")))
    return [p for p in d if os.path.isfile(p)]


# ---- rewriting (the substitution table of docs/doctest.md) -------------------
SUBST = [
    # (pattern, replacement): applied in order to every command.
    (r"(^|[;&|(]\s*|\s)sudo\s+(-\w+\s+)*", r"\1"),
    (r"\bapt-get\s+(?:-\S+\s+)*install\s+((?:-\S+\s+)*)([\w.+\- ]+)",
     r"dpkg-query -W \2 >/dev/null"),
    (r"\bgit clone\s+(?:-\S+\s+)*\S+", r'git clone -q "$DOCTEST_REPO"'),
    (r"\bmake\s+demo\s+SMTP=\S+(\s+SMTP_CA_FILE=\S+)?",
     r'scripts/demo.sh "$DOCTEST_BUILD" --smtp "$DOCTEST_SMTP" --smtp-ca-file "$DOCTEST_CA"'),
    (r"\bmake\s+demo\b", r'scripts/demo.sh "$DOCTEST_BUILD"'),
    (r"\bmake\s+((?:\w+=\S+\s+)*)install\b", r'make -s -C "$DOCTEST_REPO" \1install DESTDIR="$DOCTEST_ROOT"'),
    (r"(^|[;&|]\s*)make(\s+-j\s*\d+)?\s*($|[;&|])", r"\1true\3"),
    (r"(\S*/)?build/convex\b", "convex"),
    (r"/usr/local/bin/convex\b", "convex"),
    (r"--smtp(?:\s+|=)\S+(\s+--smtp-ca-file(?:\s+|=)\S+)?",
     r'--smtp "$DOCTEST_SMTP" --smtp-ca-file "$DOCTEST_CA"'),
    (r"\bsmtps?://[\w.-]+(:\d+)?\S*", r"$DOCTEST_SMTP"),
    (r"\bhttps?://[\w.-]*example\.(?:com|org|net)\S*", r"$DOCTEST_HTTP/"),
    (r"(?<![\w/$.-])(%s)(?=[/\s\"';]|$)" % "|".join(re.escape(d) for d in FAKE_ROOT_DIRS),
     r"$DOCTEST_ROOT\1"),
    (r"(?<![\w/$.-])/tmp/", r"$DOCTEST_TMP/"),
    (r"(?<![\w/$.-])JOB\b", "jobs/demo.xml"),
    (r"\bout/NAME/", "out/demo/"),
    (r"^exec\s+", ""),
    (r"\bFILE\.eml\b", r'"$(ls out/demo/*/mail/*.eml | head -n 1)"'),
]
SKIP_CMDS = [
    (r"^make\s+(check|e2e|e2e-asan|unit|asan-unit|fuzz|fuzz-short|valgrind|analyze|bench)\b",
     "a test or benchmark target: make check runs these itself"),
    (r"^crontab\s+-e\b", "opens an editor"),
    (r"^systemctl\b", "drives the machine's systemd"),
    (r"^kubectl\b", "needs a Kubernetes cluster"),
]


def rewrite(text):
    for pat, rep in SUBST:
        text = re.sub(pat, rep, text)
    return text


def auto_skip(text):
    for pat, why in SKIP_CMDS:
        if re.search(pat, text.strip()):
            return why
    return None


# ---- servers ----------------------------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, secs=15):
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


# The example jobs with HTTP sources (jobs/stooq.xml, jobs/fred.xml) fetch
# from the harness's nginx: their public host is replaced in the scratch
# copy, and nginx serves real series of the demo data in each site's format
# (tests/nginx/nginx.conf.in maps Stooq's and FRED's URL shapes to files).
SOURCE_HOSTS = ("https://stooq.com", "https://fred.stlouisfed.org")
SERVED = {  # file under www -> (format, demo price file, column)
    "q/d/l/tlt.us.csv": ("stooq", "dowjones30.csv", "MSFT"),
    "q/d/l/iwm.us.csv": ("stooq", "dowjones30.csv", "KO"),
    "fred/DGS10.csv": ("fred", "swx.csv", "SBI"),
    "fred/DGS2.csv": ("fred", "swx.csv", "LP25"),
    "fred/SP500.csv": ("fred", "swx.csv", "SPI"),
}


def serve_prices(www):
    for rel, (fmt, src, col) in SERVED.items():
        dst = os.path.join(www, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        # FRED's header names the series by its id ("name" of mkprices.py)
        named = ["name", os.path.basename(rel)[:-4]] if fmt == "fred" else []
        subprocess.run([PY, os.path.join(REPO, "tests/tools/mkprices.py"), fmt,
                        os.path.join(REPO, "jobs/demo/prices", src), col, dst] + named, check=True)


def point_jobs_at(repo, http):
    for job in ("stooq.xml", "fred.xml"):
        path = os.path.join(repo, "jobs", job)
        if os.path.exists(path) and http:
            text = open(path).read()
            for host in SOURCE_HOSTS:
                text = text.replace(host, http)
            open(path, "w").write(text)


class Servers:
    def __init__(self, tmp):
        self.tmp, self.procs, self.env = tmp, [], {}

    def start(self):
        ca = os.path.join(self.tmp, "cert.pem")
        key = os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", key, "-out", ca], check=True, capture_output=True)
        sport = free_port()
        spool = os.path.join(self.tmp, "spool")
        ready = os.path.join(self.tmp, "smtpd.ready")
        self.procs.append(subprocess.Popen(
            [PY, os.path.join(REPO, "tests/lib/smtpd.py"), "--port", str(sport), "--dir", spool,
             "--cert", ca, "--key", key, "--auth", "doctest:doctest-password", "--ready", ready],
            stdout=open(os.path.join(self.tmp, "smtpd.log"), "w"), stderr=subprocess.STDOUT))
        for _ in range(150):
            if os.path.exists(ready):
                break
            time.sleep(0.1)
        www = os.path.join(self.tmp, "nginx", "www")
        os.makedirs(os.path.join(self.tmp, "nginx", "tmp"), exist_ok=True)
        shutil.copytree(os.path.join(REPO, "jobs", "demo", "prices"), os.path.join(www, "prices"))
        serve_prices(www)
        hport, d = free_port(), os.path.join(self.tmp, "nginx")
        conf = open(os.path.join(REPO, "tests/nginx/nginx.conf.in")).read()
        conf = conf.replace("@DIR@", d).replace("@PORT@", str(hport))
        open(os.path.join(d, "nginx.conf"), "w").write(conf)
        nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
        if os.path.exists(nginx):
            self.procs.append(subprocess.Popen([nginx, "-p", d, "-c", os.path.join(d, "nginx.conf"),
                                                "-e", os.path.join(d, "nginx-error.log")],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(hport)
        self.env = {"DOCTEST_SMTP": "smtp://127.0.0.1:%d" % sport, "DOCTEST_CA": ca,
                    "DOCTEST_SPOOL": spool, "DOCTEST_HTTP": "http://127.0.0.1:%d" % hport,
                    "CONVEX_SMTP_USER": "doctest", "CONVEX_SMTP_PASSWORD": "doctest-password",
                    "SMTP_USER": "doctest", "SMTP_PASSWORD": "doctest-password"}

    def stop(self):
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


# ---- running ----------------------------------------------------------------
# Not copied when the tree is not a git checkout (a tarball): what the build,
# the runs and Python leave behind (.gitignore).
UNTRACKED_DIRS = re.compile(r"^(build[^/]*|out|bench/out|\.git)$|(^|/)__pycache__$")
UNTRACKED_FILES = re.compile(r"^\.git$|\.(o|d|pyc)$")


def git_files():
    """git's list of the repository's files, or None outside a checkout."""
    if not os.path.exists(os.path.join(REPO, ".git")) or not shutil.which("git"):
        return None
    ls = subprocess.run(["git", "-C", REPO, "ls-files", "-z"], capture_output=True)
    return ls.stdout.decode().split("\0") if ls.returncode == 0 else None


def source_files():
    """The repository's files relative to REPO: git's list in a checkout,
    else every file but the build tree and the outputs."""
    names = git_files()
    if names is not None:
        return [f for f in names if f and os.path.isfile(os.path.join(REPO, f))]
    names = []
    for top, dirs, files in os.walk(REPO):
        rel = os.path.relpath(top, REPO)
        dirs[:] = sorted(d for d in dirs if not UNTRACKED_DIRS.search(os.path.normpath(os.path.join(rel, d))))
        names += [os.path.normpath(os.path.join(rel, f)) for f in sorted(files) if not UNTRACKED_FILES.search(f)]
    return names


def copy_sources(dst_dir):
    for f in source_files():
        dst = os.path.join(dst_dir, f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(REPO, f), dst)


def clone_from_copy(base):
    """Outside a git checkout `git clone` has nothing to clone: the
    documented clone copies a clean copy of the sources instead."""
    src = os.path.join(base, "src")
    copy_sources(src)
    os.environ["DOCTEST_SRC"] = src
    for i, (pat, rep) in enumerate(SUBST):
        if pat.startswith(r"\bgit clone"):
            SUBST[i] = (pat, r'cp -a "$DOCTEST_SRC"')


def make_scratch(base, name, convex):
    d = os.path.join(base, name)
    repo, root = os.path.join(d, "repo"), os.path.join(d, "root")
    copy_sources(repo)
    os.makedirs(os.path.join(repo, "build"), exist_ok=True)
    os.symlink(convex, os.path.join(repo, "build", "convex"))
    # The fake root: the job and data as the schedule examples install them.
    etc = os.path.join(root, "etc", "convex")
    os.makedirs(etc)
    for job in ("demo.xml", "daily.xml", "newsletter.xml"):
        shutil.copy(os.path.join(REPO, "jobs", "demo.xml"), os.path.join(etc, job))
    shutil.copytree(os.path.join(REPO, "jobs", "demo"), os.path.join(etc, "demo"))
    with open(os.path.join(etc, "secrets.env"), "w") as f:
        f.write("CONVEX_UNSUBSCRIBE_SECRET=doctest-secret\nexport CONVEX_UNSUBSCRIBE_SECRET\n")
    os.makedirs(os.path.join(root, "var", "lib", "convex"))
    ex = os.path.join(root, "usr", "local", "share", "doc", "convex", "examples")
    shutil.copytree(os.path.join(REPO, "jobs"), ex)
    tmp = os.path.join(d, "tmp")
    os.makedirs(os.path.join(tmp, "home"))
    return repo, root, tmp


def run_block(cmds, cwd, env, log):
    """Run the commands of one block in one bash; returns [status or None]."""
    script = ["cd %s || exit 99" % shlex.quote(cwd)]
    for i, c in enumerate(cmds):
        script.append('echo "@@doctest $ %s"' % c.text.replace("\\", "\\\\").replace('"', '\\"')
                      .replace("$", "\\$").replace("`", "\\`").split("\n")[0])
        script.append(c.run_text)
        script.append('echo "%d $?" >&9' % i)
    status_file = log + ".status"
    body = "exec 9>%s\n%s\n" % (shlex.quote(status_file), "\n".join(script))
    try:
        with open(log, "a") as out:
            subprocess.run(["bash", "-c", body], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=BLOCK_TIMEOUT, start_new_session=True)
    except subprocess.TimeoutExpired:
        with open(log, "a") as out:
            out.write("@@doctest: block timed out after %d s\n" % BLOCK_TIMEOUT)
    got = [None] * len(cmds)
    if os.path.exists(status_file):
        for ln in open(status_file):
            i, rc = ln.split()
            got[int(i)] = int(rc)
        os.unlink(status_file)
    return got


def load_pending(path):
    if not path or not os.path.exists(path):
        return set()
    return {ln.rstrip("\n") for ln in open(path) if ln.strip() and not ln.startswith("#")}


def tally(kind, name, tally_file, prefix):
    if tally_file:
        with open(tally_file, "a") as f:
            f.write("%s %s: %s\n" % (kind, prefix, name.replace("\n", " ")[:300]))


class Group:
    """The commands of one source: its scratch copy, its log, its results."""
    def __init__(self, gi, src, cmds):
        self.gi, self.src, self.cmds = gi, src, cmds
        self.lines, self.tally = [], []
        self.counts = {"pass": 0, "fail": 0, "skip": 0, "pending": 0}

    def out(self, kind, name, line):
        self.lines.append(line)
        if kind:
            self.tally.append((kind, name))


def run_group(g, args, ctx):
    base, convex, bindir, srv_env, pending = ctx
    repo, root, tmp = make_scratch(base, "s%d" % g.gi, convex)
    point_jobs_at(repo, srv_env.get("DOCTEST_HTTP"))
    env = dict(os.environ)
    env.update(srv_env)
    env.update({"PATH": bindir + ":" + env.get("PATH", "/usr/bin:/bin"),
                "DOCTEST_REPO": REPO, "DOCTEST_BUILD": os.path.dirname(convex),
                "DOCTEST_ROOT": root, "DOCTEST_TMP": tmp, "TMPDIR": tmp, "HOME": os.path.join(tmp, "home"),
                "LC_ALL": "C", "TZ": "UTC"})
    env.pop("CONVEX_UNSUBSCRIBE_SECRET", None)
    log = os.path.join(args.logdir or base, "doctest-%s.log" % re.sub(r"[^\w.-]", "_", g.src))
    open(log, "w").close()
    if g.src.startswith("convex "):
        # A usage line cannot set the environment: the harness does.
        env["CONVEX_UNSUBSCRIBE_SECRET"] = "doctest-secret"
        subprocess.run(["bash", "-c", USAGE_SETUP], cwd=repo, env=env)
    blocks = {}
    for c in g.cmds:
        blocks.setdefault(c.block, []).append(c)
    for bcmds in blocks.values():
        torun = []
        for c in bcmds:
            c.skip = c.skip or auto_skip(c.text)
            if c.skip:
                g.counts["skip"] += 1
                g.out("skip", "%s (%s)" % (c.name(), c.skip), "skip %s  (%s)" % (c.name(), c.skip))
            else:
                c.run_text = c.prefix + rewrite(c.text)
                torun.append(c)
        if not torun:
            continue
        got = run_block(torun, repo, env, log)
        for c, rc in zip(torun, got):
            keys = {c.text, "%s:%d" % (c.src, c.line)}
            judge(g, c, rc, bool(keys & pending), log)


def judge(g, c, rc, is_pending, log):
    ok = rc is not None and rc in c.expect
    if is_pending and ok:
        g.counts["pass"] += 1
        g.out("pass", c.name(), "ok   %s  (listed in pending.txt but passes: remove it there)" % c.name())
    elif is_pending:
        g.counts["pending"] += 1
        g.out("skip", "%s (pending: tests/doctest/pending.txt)" % c.name(),
              "pending %s  (exit %s)" % (c.name(), rc))
    elif ok:
        g.counts["pass"] += 1
        g.out("pass", c.name(), "ok   %s" % c.name())
    else:
        g.counts["fail"] += 1
        ran = rewrite(c.text)
        shown = c.name() if ran == c.text else "%s\n       ran: %s" % (c.name(), ran.replace("\n", " ; "))
        g.out("fail", c.name(), "FAIL %s\n       exit %s, expected %s; log: %s\n%s" % (
            shown, rc, " or ".join(map(str, c.expect)), log, tail_of(log, c)))


def run_all(args):
    docs = args.doc or default_docs()
    convex = os.path.abspath(args.convex)
    global docs_only
    docs_only = bool(args.doc) and not args.usage
    cmds = extract(docs, convex)
    pending = load_pending(args.pending)
    base = tempfile.mkdtemp(prefix="convex-doctest.")
    bindir = os.path.join(base, "bin")
    os.makedirs(bindir)
    os.symlink(convex, os.path.join(bindir, "convex"))
    if git_files() is None:
        print("doctest: %s is not a git checkout: copying its files, `git clone` copies them" % REPO)
        clone_from_copy(base)
    srv = Servers(base)
    total = {"pass": 0, "fail": 0, "skip": 0, "pending": 0}
    try:
        srv.start()
        bysrc = {}
        for c in cmds:
            bysrc.setdefault(c.src, []).append(c)
        groups = [Group(i, src, cs) for i, (src, cs) in enumerate(bysrc.items())]
        ctx = (base, convex, bindir, srv.env, pending)
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=args.jobs) as ex:
            futs = [ex.submit(run_group, g, args, ctx) for g in groups]
            for g, f in zip(groups, futs):
                f.result()
                for ln in g.lines:
                    print(ln)
                for kind, name in g.tally:
                    tally(kind, name, args.tally, args.prefix)
                for k in total:
                    total[k] += g.counts[k]
                sys.stdout.flush()
    finally:
        srv.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("doctest: %d commands: %d passed, %d failed, %d skipped, %d pending" % (
        len(cmds), total["pass"], total["fail"], total["skip"], total["pending"]))
    return 1 if total["fail"] else 0


def tail_of(log, c):
    text = open(log, errors="replace").read()
    key = "@@doctest $ " + c.text.split("\n")[0]
    i = text.rfind(key)
    seg = text[i:] if i >= 0 else text
    nxt = seg.find("@@doctest $ ", len(key))
    seg = seg[:nxt] if nxt > 0 else seg
    return "\n".join("       | " + ln for ln in seg.split("\n")[1:][-15:])


docs_only = False


def main():
    ap = argparse.ArgumentParser(description="run the commands the documentation shows")
    ap.add_argument("mode", choices=["list", "run"])
    ap.add_argument("--convex", help="the built binary (usage lines come from its --help)")
    ap.add_argument("--doc", action="append", help="only this document (repeatable)")
    ap.add_argument("--usage", action="store_true", help="with --doc: the --help usage lines too")
    ap.add_argument("--pending", default=os.path.join(REPO, "tests/doctest/pending.txt"))
    ap.add_argument("--tally", default=os.environ.get("TALLY"))
    ap.add_argument("--prefix", default="%s:%s" % (os.environ.get("TALLY_PREFIX", "e2e"),
                                                   os.environ.get("TEST_NAME", "doc")))
    ap.add_argument("--logdir")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="sources run side by side (default 2)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args()
    if args.mode == "list":
        global docs_only
        docs_only = bool(args.doc) and not args.usage
        for c in extract(args.doc or default_docs(), args.convex):
            skip = c.skip or auto_skip(c.text)
            print("%s:%d\t%s\t%s" % (c.src, c.line, ("skip: " + skip) if skip else "run", c.text))
        return 0
    if not args.convex:
        ap.error("run needs --convex BIN")
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
