<?xml version="1.0" encoding="UTF-8"?>
<!-- digest-html.xsl - the HTML part of the daily digest, from report.xml.

     Mail-client HTML: table layout, inline CSS, 600 px wide, no scripts, no
     external CSS, fonts or images. Charts are referenced as
     cid:PATH@DOMAIN, PATH being the chart's path in the run directory; the
     mail module attaches exactly the files referenced that way.

     Preview without convex (charts show as their alt text):
       xsltproc -o /tmp/digest.html \
         -stringparam name 'Ada' -stringparam pairs '' \
         templates/digest-html.xsl OUT/2007-05-08/report.xml
     The web edition has its own templates (web-*.xsl). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="digest-common.xsl"/>
  <xsl:output method="html" encoding="UTF-8" indent="no"/>

  <!-- Per-subscriber values, passed as string parameters by convex. -->
  <xsl:param name="name" select="''"/>            <!-- display name, may be empty -->
  <xsl:param name="title" select="/report/@title"/>  <!-- the digest title (<digest title>), default the job's -->
  <xsl:param name="email" select="''"/>
  <xsl:param name="pairs" select="''"/>           <!-- "|SBI-SPI|SPI-SII|", empty: all -->
  <xsl:param name="unsubscribe-url" select="''"/>
  <xsl:param name="web-url" select="''"/>         <!-- web edition of the day, or empty -->
  <xsl:param name="pdf-base" select="''"/>        <!-- public URL of the day, or empty -->
  <xsl:param name="cid-domain" select="'convex.invalid'"/>
  <xsl:param name="edition" select="'mail'"/>     <!-- mail or web -->

  <!-- Sections made once and copied into many messages (docs/mail.md,
       "Sections made once"). preheader, head and tail read no
       per-subscriber parameter ($name, $email, $pairs, $unsubscribe-url):
       convex makes each once per send. own reads $pairs alone: convex
       makes it once per list that several subscribers share. Each is made
       by applying this stylesheet with $only set to its name; a message
       then gets $premade = '|NAME|NAME|' and each named section's text in
       $premade-NAME, copied as it is. A section is made once only when its
       premade-NAME parameter is declared here. Without them, as in the
       preview above, every section is made in place. -->
  <xsl:param name="only" select="''"/>            <!-- preheader, head, own or tail -->
  <xsl:param name="premade" select="''"/>
  <xsl:param name="premade-preheader" select="''"/>
  <xsl:param name="premade-head" select="''"/>
  <xsl:param name="premade-own" select="''"/>
  <xsl:param name="premade-tail" select="''"/>

  <xsl:variable name="navy" select="'#17324d'"/>
  <xsl:variable name="accent" select="'#c0392b'"/>
  <xsl:variable name="ink" select="'#1b2430'"/>
  <xsl:variable name="muted" select="'#5b6776'"/>
  <xsl:variable name="rule" select="'#e3e8ee'"/>
  <!-- No font-family on the cells: it is set once in the <style> block
       (Gmail, Apple Mail and Outlook.com read it), and clients that drop it
       fall back to their sans-serif default. Inlined on every cell it was
       112 KB of a message. -->
  <xsl:variable name="r" select="/report"/>

  <!-- How an image is referenced; the web edition overrides this. -->
  <xsl:template name="img-src">
    <xsl:param name="path"/>
    <xsl:value-of select="concat('cid:', $path, '@', $cid-domain)"/>
  </xsl:template>

  <!-- A pair's deep dive when the archive is public: its web page (every
       computed pair has one, docs/web.md) and its PDF when it has one. -->
  <xsl:template name="pdf-link">
    <xsl:param name="pair"/>
    <xsl:if test="$pdf-base != ''">
      <a class="link" style="color:{$navy};font-weight:bold;text-decoration:underline;">
        <xsl:attribute name="href"><xsl:call-template name="pair-page-url"><xsl:with-param name="base" select="$pdf-base"/><xsl:with-param name="id" select="$pair/@id"/></xsl:call-template></xsl:attribute>
        <xsl:text>Read the full deep dive</xsl:text>
      </a>
      <xsl:if test="$pair/@pdf">
        <xsl:text> · </xsl:text>
        <a class="link" href="{concat($pdf-base, substring-after($pair/@pdf, 'pdf/'))}" style="color:{$navy};text-decoration:underline;">PDF</a>
      </xsl:if>
    </xsl:if>
  </xsl:template>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$only != ''"><xsl:call-template name="section"><xsl:with-param name="name" select="$only"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:call-template name="message"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A shared section: the premade text, or made here. -->
  <xsl:template name="shared">
    <xsl:param name="name"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($premade, concat('|', $name, '|'))"><xsl:value-of select="$text" disable-output-escaping="yes"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="section"><xsl:with-param name="name" select="$name"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="section">
    <xsl:param name="name"/>
    <xsl:choose>
      <xsl:when test="$name = 'preheader'"><xsl:apply-templates select="$r/ranking/shift[1]" mode="preheader"/></xsl:when>
      <xsl:when test="$name = 'head'"><xsl:call-template name="topline"/><xsl:call-template name="masthead"/></xsl:when>
      <xsl:when test="$name = 'own'"><xsl:call-template name="own-pairs"/></xsl:when>
      <xsl:when test="$name = 'tail'"><xsl:call-template name="shifts"/><xsl:call-template name="notes"/></xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="message">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <meta name="supported-color-schemes" content="light dark"/>
        <title><xsl:value-of select="$title"/> - <xsl:value-of select="$r/@as-of"/></title>
        <style>
          body, table, td, div, p, span, a { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; }
          .c { font-size: 14px; padding: 6px 4px; border-top: 1px solid #e3e8ee; }
          .cn { text-align: right; white-space: nowrap; }
          @media (prefers-color-scheme: dark) {
            .bg { background-color: #0f1720 !important; }
            .card { background-color: #18222d !important; }
            .ink { color: #e8edf2 !important; }
            .muted { color: #a7b3c0 !important; }
            .link { color: #9cc4ee !important; }
            .accent { color: #f28b82 !important; }
            .tile { background-color: #223041 !important; border-color: #18222d !important; }
          }
          @media only screen and (max-width: 620px) {
            .wrap { width: 100% !important; }
            .pad { padding-left: 14px !important; padding-right: 14px !important; }
          }
          @media only screen and (max-width: 480px) {
            .wide { display: none !important; }
            .outer { padding: 8px 0 !important; }
            .pad { padding-left: 10px !important; padding-right: 10px !important; }
          }
        </style>
      </head>
      <body class="bg" style="margin:0;padding:0;background-color:#eef1f5;">
        <div style="display:none;max-height:0;overflow:hidden;">
          <xsl:call-template name="shared"><xsl:with-param name="name" select="'preheader'"/><xsl:with-param name="text" select="$premade-preheader"/></xsl:call-template>
        </div>
        <table role="presentation" class="bg" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#eef1f5" style="background-color:#eef1f5;">
          <tr><td class="outer" align="center" style="padding:16px 8px;">
            <table role="presentation" class="wrap" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:600px;">
              <xsl:call-template name="shared"><xsl:with-param name="name" select="'head'"/><xsl:with-param name="text" select="$premade-head"/></xsl:call-template>
              <xsl:call-template name="greeting"/>
              <xsl:call-template name="shared"><xsl:with-param name="name" select="'own'"/><xsl:with-param name="text" select="$premade-own"/></xsl:call-template>
              <xsl:call-template name="shared"><xsl:with-param name="name" select="'tail'"/><xsl:with-param name="text" select="$premade-tail"/></xsl:call-template>
              <xsl:call-template name="footer"/>
            </table>
          </td></tr>
        </table>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="shift" mode="preheader">
    <xsl:value-of select="@reading"/>
  </xsl:template>

  <xsl:template name="topline">
    <tr><td class="muted" align="right" style="font-size:12px;color:{$muted};padding:0 4px 8px 4px;">
      <xsl:if test="$edition = 'mail' and $web-url != ''">
        <a class="muted" href="{$web-url}" style="color:{$muted};text-decoration:underline;">View in your browser</a>
      </xsl:if>
    </td></tr>
  </xsl:template>

  <xsl:template name="masthead">
    <tr><td class="pad" bgcolor="{$navy}" style="background-color:{$navy};padding:26px 32px 22px 32px;border-radius:6px 6px 0 0;">
      <div style="font-size:12px;letter-spacing:2px;text-transform:uppercase;color:#9fb6cf;">Correlation digest</div>
      <div style="font-size:26px;line-height:32px;font-weight:bold;color:#ffffff;padding-top:6px;">
        <xsl:value-of select="$title"/>
      </div>
      <div style="font-size:14px;color:#d5e1ee;padding-top:6px;">
        <xsl:text>Data as of </xsl:text>
        <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="$r/@as-of"/></xsl:call-template>
        <xsl:text> · </xsl:text>
        <xsl:value-of select="count($r/pairs/pair)"/> pairs · <xsl:value-of select="$r/@lookback-years"/>-year history
      </div>
    </td></tr>
  </xsl:template>

  <xsl:template name="greeting">
    <tr><td class="card ink pad" bgcolor="#ffffff" style="background-color:#ffffff;font-size:15px;line-height:23px;color:{$ink};padding:24px 32px 4px 32px;">
      <xsl:choose>
        <xsl:when test="$edition = 'mail' and $name != ''">Hello <xsl:value-of select="$name"/>,</xsl:when>
        <xsl:otherwise>Hello,</xsl:otherwise>
      </xsl:choose>
      <br/>
      <xsl:text>here are your own pairs, then today's largest correlation shifts across the watchlist. </xsl:text>
      <xsl:variable name="sig" select="count($r/ranking/shift[@significant = 'true'])"/>
      <xsl:choose>
        <xsl:when test="$sig = 1">One shift is significant after correcting for the <xsl:value-of select="$r/ranking/@tests"/> pairs tested.</xsl:when>
        <xsl:when test="$sig &gt; 1"><xsl:value-of select="$sig"/> shifts are significant after correcting for the <xsl:value-of select="$r/ranking/@tests"/> pairs tested.</xsl:when>
        <xsl:otherwise>No shift is significant after correcting for the <xsl:value-of select="$r/ranking/@tests"/> pairs tested.</xsl:otherwise>
      </xsl:choose>
    </td></tr>
  </xsl:template>

  <xsl:template name="section-title">
    <xsl:param name="text"/>
    <div class="ink" style="font-size:19px;font-weight:bold;color:{$ink};padding:0 0 10px 0;border-bottom:2px solid {$navy};">
      <xsl:value-of select="$text"/>
    </div>
  </xsl:template>

  <xsl:template name="shifts">
    <xsl:variable name="top" select="$r/ranking/shift[position() &lt;= number($r/ranking/@top)]"/>
    <tr><td class="card pad" bgcolor="#ffffff" style="background-color:#ffffff;padding:20px 32px 8px 32px;">
      <xsl:call-template name="section-title"><xsl:with-param name="text" select="&quot;Today's biggest regime shifts&quot;"/></xsl:call-template>
      <xsl:if test="$r/ranking/@mail-chart and $r/ranking/@mail-chart-pairs &gt; 0">
        <div align="center" style="padding:14px 0 6px 0;">
          <img width="{$r/ranking/@mail-chart-width}" height="{$r/ranking/@mail-chart-height}" style="display:block;margin:0 auto;width:100%;max-width:{$r/ranking/@mail-chart-width}px;height:auto;border:1px solid {$rule};background-color:#ffffff;font-size:13px;color:{$muted};">
            <xsl:attribute name="src"><xsl:call-template name="img-src"><xsl:with-param name="path" select="$r/ranking/@mail-chart"/></xsl:call-template></xsl:attribute>
            <xsl:attribute name="alt">Chart: 90-day correlation against its baseline for the <xsl:value-of select="$r/ranking/@mail-chart-pairs"/> most shifted pairs; the largest shift is <xsl:value-of select="$r/ranking/shift[1]/@reading"/></xsl:attribute>
          </img>
        </div>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="not($top)">
          <p class="muted" style="font-size:14px;color:{$muted};">No pair had enough history for a shift test today.</p>
        </xsl:when>
        <xsl:otherwise>
          <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">
            <tr>
              <td class="muted" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};padding:10px 4px 6px 0;">Pair</td>
              <td class="muted" align="right" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};padding:10px 4px 6px 4px;">90-day</td>
              <td class="muted" align="right" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};padding:10px 4px 6px 4px;">5-year</td>
              <td class="muted" align="right" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};padding:10px 4px 6px 4px;">Change<br/>vs 5-year</td>
              <td class="muted wide" align="right" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};padding:10px 4px 6px 4px;">z</td>
              <td class="muted wide" align="right" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};padding:10px 0 6px 4px;">q</td>
            </tr>
            <xsl:apply-templates select="$top" mode="row"/>
          </table>
          <p class="muted" style="font-size:13px;line-height:19px;color:{$muted};margin:8px 0 0 0;">z measures how far the 90-day correlation has moved from its baseline in standard errors; q is the chance that a shift this large is noise once all <xsl:value-of select="$r/ranking/@tests"/> pairs tested are taken into account (Benjamini&#8211;Hochberg), and a shift counts as significant when q is below 5%.</p>
        </xsl:otherwise>
      </xsl:choose>
    </td></tr>
  </xsl:template>

  <xsl:template match="shift" mode="row">
    <xsl:variable name="sig" select="@significant = 'true'"/>
    <tr>
      <td class="ink" style="font-size:15px;font-weight:bold;color:{$ink};padding:10px 4px 2px 0;border-top:1px solid {$rule};">
        <xsl:choose>
          <xsl:when test="$pdf-base != ''">
            <a class="ink" style="color:{$ink};text-decoration:underline;">
              <xsl:attribute name="href"><xsl:call-template name="pair-page-url"><xsl:with-param name="base" select="$pdf-base"/><xsl:with-param name="id" select="@pair"/></xsl:call-template></xsl:attribute>
              <xsl:value-of select="concat(@a, '/', @b)"/>
            </a>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="concat(@a, '/', @b)"/></xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$sig">
          <xsl:text> </xsl:text>
          <span style="font-size:10px;font-weight:bold;color:#ffffff;background-color:{$accent};padding:2px 6px;border-radius:3px;letter-spacing:1px;">SIGNIFICANT</span>
        </xsl:if>
      </td>
      <td class="ink" align="right" style="font-size:15px;color:{$ink};padding:10px 4px 2px 4px;border-top:1px solid {$rule};"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@r90"/></xsl:call-template></td>
      <!-- "Change vs 5-year" is the 90-day minus the 5-year correlation;
           the chart above plots the "shift vs baseline" the z test uses
           (one name per quantity across PDF, email, web and text). -->
      <td class="ink" align="right" style="font-size:15px;color:{$ink};padding:10px 4px 2px 4px;border-top:1px solid {$rule};"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="$r/pairs/pair[@id = current()/@pair]/window[@key = '5y']/@r"/></xsl:call-template></td>
      <td align="right">
        <xsl:attribute name="class"><xsl:choose><xsl:when test="$sig">accent</xsl:when><xsl:otherwise>ink</xsl:otherwise></xsl:choose></xsl:attribute>
        <xsl:attribute name="style"><xsl:value-of select="concat('font-size:15px;font-weight:bold;padding:10px 4px 2px 4px;border-top:1px solid ', $rule, ';color:')"/><xsl:choose><xsl:when test="$sig"><xsl:value-of select="$accent"/></xsl:when><xsl:otherwise><xsl:value-of select="$ink"/></xsl:otherwise></xsl:choose><xsl:text>;</xsl:text></xsl:attribute>
        <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@delta"/></xsl:call-template>
      </td>
      <td class="ink wide" align="right" style="font-size:15px;color:{$ink};padding:10px 4px 2px 4px;border-top:1px solid {$rule};"><xsl:call-template name="fmt-z"><xsl:with-param name="v" select="@z"/></xsl:call-template></td>
      <td class="ink wide" align="right" style="font-size:15px;color:{$ink};padding:10px 0 2px 4px;border-top:1px solid {$rule};"><xsl:call-template name="fmt-p"><xsl:with-param name="v" select="@q"/></xsl:call-template></td>
    </tr>
    <tr>
      <td class="muted" colspan="6" style="font-size:13px;line-height:19px;color:{$muted};padding:0 0 10px 0;">
        <xsl:variable name="p" select="/report/pairs/pair[@id = current()/@pair]"/>
        <xsl:if test="$p"><xsl:value-of select="concat($p/@a-name, ' and ', $p/@b-name, ': ')"/></xsl:if>
        <xsl:choose>
          <xsl:when test="@regime = 'stable'"><xsl:text>the correlation is stable.</xsl:text></xsl:when>
          <xsl:otherwise><xsl:text>the correlation has </xsl:text><xsl:value-of select="@regime"/><xsl:text>.</xsl:text></xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="stale"><xsl:with-param name="p" select="$p"/><xsl:with-param name="before" select="' '"/><xsl:with-param name="after" select="'.'"/></xsl:call-template>
      </td>
    </tr>
  </xsl:template>

  <!-- The pairs this subscriber follows (all of them when $pairs is empty). -->
  <xsl:template name="own-pairs">
    <xsl:variable name="mine" select="$r/pairs/pair[$pairs = '' or contains($pairs, concat('|', @id, '|'))]"/>
    <tr><td class="card pad" bgcolor="#ffffff" style="background-color:#ffffff;padding:22px 32px 8px 32px;">
      <xsl:call-template name="section-title">
        <xsl:with-param name="text">
          <xsl:choose>
            <xsl:when test="$edition = 'web'">The watchlist</xsl:when>
            <xsl:otherwise>Your pairs</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:if test="not($mine)">
        <p class="muted" style="font-size:14px;color:{$muted};">None of your pairs could be computed today.</p>
      </xsl:if>
      <!-- The biggest movers (by rank, |z|) in full, the rest one row each. -->
      <xsl:for-each select="$mine">
        <xsl:sort select="@rank" data-type="number"/>
        <xsl:if test="$edition != 'mail' or position() &lt;= $full-max">
          <xsl:apply-templates select="." mode="card"/>
        </xsl:if>
      </xsl:for-each>
      <xsl:if test="$edition = 'mail' and count($mine) &gt; $full-max">
        <xsl:call-template name="compact">
          <xsl:with-param name="mine" select="$mine"/>
        </xsl:call-template>
      </xsl:if>
    </td></tr>
  </xsl:template>

  <!-- Pairs beyond the first $full-max: one table row each, no chart. -->
  <xsl:template name="compact">
    <xsl:param name="mine"/>
    <p class="muted" style="font-size:14px;line-height:20px;color:{$muted};margin:18px 0 4px 0;">
      <xsl:variable name="brief" select="count($mine) - $full-max"/>
      <xsl:value-of select="$brief - ($brief - $brief-max) * ($brief &gt; $brief-max)"/>
      <xsl:text> more of your pairs in brief</xsl:text>
      <xsl:choose>
        <xsl:when test="$web-url != ''">; every chart is in the <a class="link" href="{$web-url}" style="color:{$navy};">web edition</a><xsl:if test="$pdf-base != ''">; each pair links to its page and PDF</xsl:if>.</xsl:when>
        <xsl:when test="$pdf-base != ''">; each pair links to its page, with every chart and the PDF.</xsl:when>
        <xsl:otherwise>; their charts and deep dives are in the web edition and PDFs of today's run.</xsl:otherwise>
      </xsl:choose>
    </p>
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">
      <tr>
        <td class="muted c" style="font-size:11px;text-transform:uppercase;color:{$muted};">Pair</td>
        <td class="muted c cn" align="right" style="font-size:11px;text-transform:uppercase;color:{$muted};">90-day</td>
        <td class="muted c cn" align="right" style="font-size:11px;text-transform:uppercase;color:{$muted};">1-year</td>
        <td class="muted c cn" align="right" style="font-size:11px;text-transform:uppercase;color:{$muted};">Change<br/>vs 5-year</td>
      </tr>
      <xsl:for-each select="$mine">
        <xsl:sort select="@rank" data-type="number"/>
        <xsl:if test="position() &gt; $full-max and position() &lt;= $full-max + $brief-max">
          <tr>
            <td class="ink c" style="color:{$ink};">
              <xsl:choose>
                <xsl:when test="$pdf-base != ''">
                  <a class="link" style="color:{$navy};">
                    <xsl:attribute name="href"><xsl:call-template name="pair-page-url"><xsl:with-param name="base" select="$pdf-base"/><xsl:with-param name="id" select="@id"/></xsl:call-template></xsl:attribute>
                    <xsl:value-of select="concat(@a, '/', @b)"/>
                  </a>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="concat(@a, '/', @b)"/></xsl:otherwise>
              </xsl:choose>
              <xsl:if test="@as-of != $r/@as-of">
                <span class="muted" style="color:{$muted};font-size:12px;"> (data to <xsl:value-of select="@as-of"/>)</span>
              </xsl:if>
            </td>
            <td class="ink c cn" align="right" style="color:{$ink};"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="window[@key = '90d']/@r"/></xsl:call-template></td>
            <td class="ink c cn" align="right" style="color:{$ink};"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="window[@key = '1y']/@r"/></xsl:call-template></td>
            <td class="ink c cn" align="right" style="color:{$ink};"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="shift/@delta"/></xsl:call-template></td>
          </tr>
        </xsl:if>
      </xsl:for-each>
    </table>
    <xsl:if test="count($mine) &gt; $full-max + $brief-max">
      <p class="muted" style="font-size:14px;line-height:20px;color:{$muted};margin:8px 0 4px 0;">
        <xsl:value-of select="count($mine) - $full-max - $brief-max"/>
        <xsl:text> more of your pairs, lower in the ranking, are not listed here</xsl:text>
        <xsl:choose>
          <xsl:when test="$web-url != ''">; every pair is in the <a class="link" href="{$web-url}" style="color:{$navy};">web edition</a>.</xsl:when>
          <xsl:otherwise>.</xsl:otherwise>
        </xsl:choose>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="pair" mode="card">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:16px 0 10px 0;">
      <tr><td class="ink" style="font-size:17px;font-weight:bold;color:{$ink};padding:0 0 2px 0;">
        <xsl:value-of select="concat(@a-name, ' / ', @b-name)"/>
      </td></tr>
      <tr><td class="muted" style="font-size:12px;color:{$muted};padding:0 0 10px 0;">
        <xsl:value-of select="concat(@a, '/', @b, ' · ', @observations, ' daily returns since ')"/>
        <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@start"/></xsl:call-template>
        <xsl:text> · regime: </xsl:text><xsl:value-of select="shift/@regime"/>
        <xsl:call-template name="stale"><xsl:with-param name="p" select="."/><xsl:with-param name="before" select="' · '"/><xsl:with-param name="word" select="'prices'"/></xsl:call-template>
      </td></tr>
      <tr><td>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">
          <tr>
            <xsl:for-each select="window">
              <td class="tile" width="25%" align="center" valign="top" bgcolor="#f4f7fa" style="background-color:#f4f7fa;border:2px solid #ffffff;padding:10px 4px;">
                <xsl:if test="@key = '30d'"><xsl:attribute name="class">tile wide</xsl:attribute></xsl:if>
                <div class="muted" style="font-size:11px;text-transform:uppercase;letter-spacing:1px;color:{$muted};">
                  <xsl:call-template name="window-name"><xsl:with-param name="key" select="@key"/></xsl:call-template>
                </div>
                <div class="ink" style="font-size:22px;font-weight:bold;color:{$navy};padding:4px 0 2px 0;">
                  <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@r"/></xsl:call-template>
                </div>
                <div class="muted" style="font-size:11px;line-height:14px;color:{$muted};">
                  <xsl:choose><xsl:when test="@label"><xsl:value-of select="@label"/></xsl:when><xsl:otherwise>not enough data</xsl:otherwise></xsl:choose>
                </div>
              </td>
            </xsl:for-each>
          </tr>
        </table>
      </td></tr>
      <xsl:if test="charts/@rolling">
        <tr><td align="center" style="padding:12px 0 4px 0;">
          <img width="{charts/@rolling-width}" height="{charts/@rolling-height}" style="display:block;margin:0 auto;width:100%;max-width:{charts/@rolling-width}px;height:auto;border:1px solid {$rule};background-color:#ffffff;font-size:13px;color:{$muted};">
            <xsl:attribute name="src"><xsl:call-template name="img-src"><xsl:with-param name="path" select="charts/@rolling"/></xsl:call-template></xsl:attribute>
            <xsl:attribute name="alt">
              <xsl:text>Chart: rolling 90-day correlation of </xsl:text><xsl:value-of select="concat(@a, ' and ', @b)"/>
              <xsl:text>, now </xsl:text><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="window[@key = '90d']/@r"/></xsl:call-template>
              <xsl:if test="rolling90/@max-r">
                <xsl:text>; high </xsl:text><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="rolling90/@max-r"/></xsl:call-template>
                <xsl:text> on </xsl:text><xsl:value-of select="rolling90/@max-end"/>
                <xsl:text>, low </xsl:text><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="rolling90/@min-r"/></xsl:call-template>
                <xsl:text> on </xsl:text><xsl:value-of select="rolling90/@min-end"/>
              </xsl:if>
            </xsl:attribute>
          </img>
        </td></tr>
      </xsl:if>
      <tr><td class="ink" style="font-size:14px;line-height:21px;color:{$ink};padding:8px 0 0 0;">
        <xsl:value-of select="meaning"/><xsl:text> </xsl:text><xsl:value-of select="shift-text"/>
      </td></tr>
      <xsl:if test="$pdf-base != ''">
      <tr><td style="font-size:14px;padding:10px 0 14px 0;border-bottom:1px solid {$rule};">
        <xsl:call-template name="pdf-link"><xsl:with-param name="pair" select="."/></xsl:call-template>
      </td></tr>
      </xsl:if>
    </table>
  </xsl:template>

  <xsl:template name="notes">
    <tr><td class="card muted pad" bgcolor="#ffffff" style="background-color:#ffffff;font-size:12px;line-height:18px;color:{$muted};padding:10px 32px 26px 32px;border-radius:0 0 6px 6px;">
      <div style="font-weight:bold;color:{$ink};padding-bottom:4px;" class="ink">Methodology</div>
      <div><xsl:value-of select="$r/methodology"/></div>
      <xsl:if test="$r/skipped/pair">
        <div style="padding-top:8px;">
          <xsl:text>Not computed today: </xsl:text>
          <xsl:for-each select="$r/skipped/pair">
            <xsl:value-of select="concat(@a, '/', @b, ' (', @reason, ')')"/>
            <xsl:if test="position() != last()">; </xsl:if>
          </xsl:for-each>
          <xsl:text>.</xsl:text>
        </div>
      </xsl:if>
      <xsl:if test="$r/assets/asset[@data-quality]">
        <div style="padding-top:8px;">
          <xsl:text>Data quality: </xsl:text>
          <xsl:for-each select="$r/assets/asset[@data-quality]">
            <xsl:value-of select="concat(@symbol, ': ', @data-quality)"/>
            <xsl:if test="position() != last()">. </xsl:if>
          </xsl:for-each>
          <xsl:text>.</xsl:text>
        </div>
      </xsl:if>
      <div style="padding-top:8px;font-style:italic;"><xsl:value-of select="$r/disclaimer"/></div>
    </td></tr>
  </xsl:template>

  <xsl:template name="footer">
    <tr><td class="muted" align="center" style="font-size:12px;line-height:18px;color:{$muted};padding:18px 24px 8px 24px;">
      <xsl:choose>
        <xsl:when test="$edition = 'mail'">
          <xsl:text>You receive this digest because </xsl:text><xsl:value-of select="$email"/>
          <xsl:text> subscribed to </xsl:text><xsl:value-of select="$title"/><xsl:text>.</xsl:text><br/>
          <xsl:if test="$unsubscribe-url != ''">
            <a class="muted" href="{$unsubscribe-url}" style="color:{$muted};text-decoration:underline;">Unsubscribe</a>
          </xsl:if>
          <xsl:if test="$web-url != ''">
            <xsl:text> · </xsl:text>
            <a class="muted" href="{$web-url}" style="color:{$muted};text-decoration:underline;">Web edition</a>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="$title"/><xsl:text> · </xsl:text>
          <a class="muted" href="../../../index.html" style="color:{$muted};text-decoration:underline;">All editions</a>
          <xsl:text> · </xsl:text>
          <a class="muted" href="../../../feed.xml" style="color:{$muted};text-decoration:underline;">Atom feed</a>
        </xsl:otherwise>
      </xsl:choose>
      <br/><span class="muted" style="color:{$muted};">Generated by <xsl:value-of select="$r/@generator"/></span>
    </td></tr>
  </xsl:template>
</xsl:stylesheet>
