#!/usr/bin/python3
"""mail_links.py - the links of a digest email into the published archive.

  mail_links.py [--pages-only] EML PUBLIC_URL ARCHIVE_DIR REPORT_XML

Parses EML with Python's email package and its HTML part with html.parser;
every link under PUBLIC_URL must name a file that ARCHIVE_DIR (the web root
the URL serves) holds, and there must be one pair-page link
(PUBLIC_URL/YYYY/MM/DD/pairs/ID.html) for every pair REPORT_XML computed
(issue 17 item 7). --pages-only checks only the pair pages (a fixture run
directory has no PDFs). Prints one summary line; exit 1 on a miss.
"""
import email
import email.policy
import html.parser
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == 'a':
            self.hrefs += [v for k, v in attrs if k == 'href' and v]


def main(argv):
    pages_only = argv[:1] == ['--pages-only']
    if pages_only:
        argv = argv[1:]
    eml, pub, root, report = argv
    pub = pub.rstrip('/') + '/'
    with open(eml, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    parser = Links()
    parser.feed(msg.get_body(('html',)).get_content())
    ours = [h for h in parser.hrefs if h.startswith(pub)]
    pages = {h for h in ours if '/pairs/' in h}
    checked = [h for h in ours if not pages_only or h in pages]
    missing = [h for h in checked
               if not os.path.isfile(os.path.join(root, urllib.parse.unquote(h[len(pub):])))]
    pairs = ET.parse(report).findall('pairs/pair')
    ids = {p.get('id') for p in pairs}
    linked = {urllib.parse.unquote(h.rsplit('/', 1)[1])[:-len('.html')] for h in pages}
    print('links %d, pair pages %d of %d pairs, missing %s, unlinked %s'
          % (len(checked), len(pages), len(ids), missing, sorted(ids - linked)))
    return 1 if missing or ids - linked else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
