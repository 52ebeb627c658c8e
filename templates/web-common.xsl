<?xml version="1.0" encoding="UTF-8"?>
<!-- web-common.xsl - what every page of the web edition shares (docs/web.md):
     the style sheet (light and dark, from 320 px up, no script), the
     masthead, the footer and the number formats. Included by web-pair.xsl,
     web-symbol.xsl, web-matrix.xsl, web-day.xsl and web-index.xsl.

     Parameters every page takes (set by site.c), all relative URLs ending in
     "/" or empty:
       root      from the page to the archive's root       ("../../")
       day       from the page to the day it shows          ("../../2007/05/08/")
       signup    the job's sign-up URL, or empty
       feed      the feed's file name relative to root     ("feed.xml") -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="digest-common.xsl"/>
  <xsl:output method="html" encoding="UTF-8" indent="no"/>

  <xsl:param name="root" select="''"/>
  <xsl:param name="day" select="''"/>
  <xsl:param name="signup" select="''"/>
  <xsl:param name="site-title" select="/report/@title"/>

  <!-- libxslt indexes the whole report for the keys once per
       transformation: site.c makes every pair page in one transformation
       (web-pairs.xsl) and every symbol page in another (web-symbols.xsl). -->
  <xsl:key name="pair" match="/report/pairs/pair" use="@id"/>
  <xsl:key name="sym" match="/report/pairs/pair" use="@a | @b"/>
  <xsl:key name="pair-ab" match="/report/pairs/pair" use="concat(@a, '|', @b)"/>
  <xsl:key name="asset" match="/report/assets/asset" use="@symbol"/>
  <xsl:key name="cell" match="/report/heatmap/cell" use="concat(@a, '|', @b)"/>

  <!-- ==== the page shell ==== -->
  <xsl:template name="doctype">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="head">
    <xsl:param name="title"/>
    <xsl:param name="description" select="''"/>
    <head>
      <!-- Every page declares its encoding itself, in the form libxml2's
           HTML serialiser recognises (it would add this very element to
           the first page of a transformation's output only, and a second
           declaration to a page with <meta charset>). -->
      <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <meta name="color-scheme" content="light dark"/>
      <title><xsl:value-of select="$title"/></title>
      <xsl:if test="$description != ''">
        <meta name="description" content="{$description}"/>
      </xsl:if>
      <link rel="alternate" type="application/atom+xml" href="{$root}feed.xml" title="{$site-title}"/>
      <link rel="stylesheet" href="{$root}style.css"/>
    </head>
  </xsl:template>

  <xsl:template name="css">
:root{color-scheme:light dark;--bg:#f3f5f8;--card:#fff;--ink:#17202a;--muted:#56616e;--line:#d9e0e8;--link:#1a5ca6;--band:#17324d}
@media (prefers-color-scheme:dark){:root{--bg:#0f161e;--card:#18222d;--ink:#e4eaf0;--muted:#a3b1bf;--line:#2c3a48;--link:#8dc3ff;--band:#0b2238}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;overflow-wrap:break-word}
a{color:var(--link)}
.band{background:var(--band);color:#fff;padding:10px 16px}
.band p{max-width:808px;margin:0 auto;font-size:14px;letter-spacing:.14em;text-transform:uppercase}
.band a{color:#fff;text-decoration:none;font-weight:700}
.band span{color:#b9cde2;letter-spacing:.04em;text-transform:none}
main{display:block;max-width:840px;margin:0 auto;padding:12px 16px 24px}
nav.crumbs{font-size:14px;color:var(--muted);margin:4px 0 8px}
h1{font-size:1.65rem;line-height:1.25;margin:.3em 0 .4em}
h2{font-size:1.25rem;line-height:1.3;margin:1.8em 0 .6em;padding-top:.8em;border-top:1px solid var(--line)}
h3{font-size:1rem;margin:1.2em 0 .4em}
p{margin:.5em 0 .8em}
.lead{color:var(--muted)}
.note{font-size:14px;color:var(--muted)}
ul.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:.8em 0;padding:0;list-style:none}
ul.tiles li{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.k{display:block;font-size:14px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.v{display:block;font-size:1.75rem;line-height:1.2;font-weight:700;font-variant-numeric:tabular-nums;margin:.15em 0}
.s{display:block;font-size:14px;color:var(--muted)}
.stale{font-style:italic}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;background:var(--card)}
caption{text-align:left;font-size:14px;color:var(--muted);padding:0 0 6px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:14px;font-weight:700;color:var(--muted)}
.n{text-align:right;white-space:nowrap}
.nw{white-space:nowrap}
figure{margin:1em 0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px}
figure img{display:block;width:100%;max-width:100%;height:auto;background:#fff;border-radius:3px}
figure.half{max-width:540px}
figcaption{font-size:14px;color:var(--muted);padding:6px 2px 0}
details{margin:.4em 0 1em}
summary{cursor:pointer;color:var(--link);font-size:14px}
ul.links{padding-left:1.2em}
ul.links li{margin:.25em 0}
.signup{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--link);border-radius:6px;padding:12px 16px;margin:1.5em 0}
footer{max-width:840px;margin:0 auto;padding:12px 16px 32px;font-size:14px;color:var(--muted)}
footer p{border-top:1px solid var(--line);padding-top:12px}
.pos{color:#b2182b}.neg{color:#2166ac}
@media (prefers-color-scheme:dark){.pos{color:#f4a582}.neg{color:#92c5de}}
td.cell{text-align:center;white-space:nowrap;min-width:3.4em;border:1px solid var(--bg)}
td.cell a{color:inherit}
td.self{background:var(--line)}
.scale{display:flex;height:14px;border-radius:3px;overflow:hidden;max-width:420px;margin:4px 0}
.scale i{flex:1}
.scale-l{display:flex;justify-content:space-between;max-width:420px;font-size:14px;color:var(--muted)}
@media (max-width:480px){h1{font-size:1.4rem}.v{font-size:1.5rem}th,td{padding:5px 5px}main{padding:8px 12px 20px}}
  </xsl:template>

  <xsl:template name="masthead">
    <header class="band">
      <p><a href="{$root}index.html">Convex</a><xsl:text> </xsl:text>
        <span>· <xsl:value-of select="$site-title"/></span></p>
    </header>
  </xsl:template>

  <xsl:template name="footer">
    <footer>
      <p>
        <xsl:text>Made by </xsl:text><xsl:value-of select="/report/@generator"/>
        <xsl:text> from the prices of </xsl:text>
        <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="/report/@as-of"/></xsl:call-template>
        <xsl:text>. Pages are rebuilt with each daily run. </xsl:text>
        <a href="{$root}index.html">Archive</a> · <a href="{$root}matrix/index.html">Matrix</a> ·
        <a href="{$root}feed.xml">Atom feed</a>
      </p>
    </footer>
  </xsl:template>

  <!-- The sign-up box: the job's sign-up link, else the feed. -->
  <xsl:template name="signup">
    <aside class="signup">
      <xsl:choose>
        <xsl:when test="$signup != ''">
          <p>Get the daily digest of shifting correlations, regime transitions and cross-asset signals by email.</p>
          <p><a href="{$signup}">Sign up for the daily digest</a></p>
        </xsl:when>
        <xsl:otherwise>
          <p>Follow the daily edition: shifting correlations, regime transitions and cross-asset signals.</p>
          <p><a href="{$root}feed.xml">Subscribe to the Atom feed</a> (email sign-up: n/a on this site)</p>
        </xsl:otherwise>
      </xsl:choose>
    </aside>
  </xsl:template>

  <!-- ==== numbers ==== -->
  <xsl:template name="has">
    <xsl:param name="v"/>
    <xsl:if test="string($v) != '' and string(number($v)) != 'NaN'">1</xsl:if>
  </xsl:template>

  <!-- Fixed-point figures: v with d (1 to 3) decimals, a sign (U+2212 for
       minus) when signed, never "-0.000"; "n/a" when v is not a number.
       r3, r2 and u3 below are the same as one format-number each (a value
       that rounds to zero multiplied by 0 so it takes the positive pattern):
       a call less and no arithmetic per figure, about 6% of a pair page's
       transformation, the same bytes on the 435 Dow pages. -->
  <xsl:template name="fixed">
    <xsl:param name="v"/>
    <xsl:param name="d" select="3"/>
    <xsl:param name="signed" select="true()"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">n/a</xsl:when>
      <xsl:otherwise>
        <xsl:variable name="m" select="number(substring('1000', 1, $d + 1))"/>
        <xsl:variable name="a" select="round((number($v) - 2 * number($v) * (number($v) &lt; 0)) * $m)"/>
        <xsl:choose>
          <xsl:when test="number($v) &lt; 0 and $a &gt; 0">&#8722;</xsl:when>
          <xsl:when test="$signed">+</xsl:when>
        </xsl:choose>
        <xsl:value-of select="concat(floor($a div $m), '.', substring(string($m + $a mod $m), 2))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- r with three decimals: +0.183 ; n/a -->
  <xsl:template name="r3">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v * not($v &lt; 0 and $v &gt; -0.0005), '+0.000;&#8722;0.000')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- r with two decimals: +0.18 ; n/a -->
  <xsl:template name="r2">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v * not($v &lt; 0 and $v &gt; -0.005), '+0.00;&#8722;0.00')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- unsigned unless negative, three decimals: 0.033 -->
  <xsl:template name="u3">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v * not($v &lt; 0 and $v &gt; -0.0005), '0.000;&#8722;0.000')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- a daily volatility as a percentage: 0.57% -->
  <xsl:template name="pct">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v * 100, '0.00')"/>%</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 1304 -> 1,304 ; n/a -->
  <xsl:template name="count">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v, '#,##0')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "1 pair", "2 pairs" -->
  <xsl:template name="plural">
    <xsl:param name="n"/>
    <xsl:param name="one"/>
    <xsl:param name="many" select="concat($one, 's')"/>
    <xsl:value-of select="format-number($n, '#,##0')"/>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="number($n) = 1"><xsl:value-of select="$one"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$many"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The class of a signed figure: pos / neg -->
  <xsl:template name="sign-class">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string(number($v)) = 'NaN'"/>
      <xsl:when test="number($v) &gt;= 0.2">pos</xsl:when>
      <xsl:when test="number($v) &lt;= -0.2">neg</xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- A symbol with its long name: "Swiss Bond Index (SBI)", or "SBI" -->
  <xsl:template name="long-name">
    <xsl:param name="sym"/>
    <xsl:variable name="n" select="key('asset', $sym)/@name"/>
    <xsl:choose>
      <xsl:when test="$n != '' and $n != $sym"><xsl:value-of select="concat($n, ' (', $sym, ')')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$sym"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Text with newlines as paragraphs. -->
  <xsl:template name="paragraphs">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&#10;')">
        <p><xsl:value-of select="substring-before($text, '&#10;')"/></p>
        <xsl:call-template name="paragraphs">
          <xsl:with-param name="text" select="substring-after($text, '&#10;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="normalize-space($text) != ''"><p><xsl:value-of select="$text"/></p></xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- The diverging colour of r, as the heatmap chart's (ColorBrewer RdBu,
       blue -1, white 0, red +1): "rgb(R,G,B)". -->
  <xsl:template name="rdbu">
    <xsl:param name="r"/>
    <xsl:variable name="c" select="($r &gt; 1) * 1 + ($r &lt; -1) * -1 + ($r &lt;= 1 and $r &gt;= -1) * $r"/>
    <xsl:variable name="t" select="($c + 1) * 3"/>
    <xsl:variable name="i" select="floor($t) - (floor($t) &gt;= 6)"/>
    <xsl:variable name="f" select="$t - $i"/>
    <xsl:variable name="stops" select="'033102172103169207209229240247247247253219199239138098178024043'"/>
    <xsl:variable name="a" select="substring($stops, $i * 9 + 1, 9)"/>
    <xsl:variable name="b" select="substring($stops, $i * 9 + 10, 9)"/>
    <xsl:text>rgb(</xsl:text>
    <xsl:value-of select="round(number(substring($a, 1, 3)) + $f * (number(substring($b, 1, 3)) - number(substring($a, 1, 3))))"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="round(number(substring($a, 4, 3)) + $f * (number(substring($b, 4, 3)) - number(substring($a, 4, 3))))"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="round(number(substring($a, 7, 3)) + $f * (number(substring($b, 7, 3)) - number(substring($a, 7, 3))))"/>
    <xsl:text>)</xsl:text>
  </xsl:template>

  <!-- A matrix cell: coloured, the value, a link to the pair's latest page
       when the pair is on the watchlist (either order). -->
  <xsl:template name="matrix-cell">
    <xsl:param name="a"/>
    <xsl:param name="b"/>
    <xsl:variable name="cell" select="key('cell', concat($a, '|', $b)) | key('cell', concat($b, '|', $a))"/>
    <xsl:variable name="p" select="key('pair-ab', concat($a, '|', $b)) | key('pair-ab', concat($b, '|', $a))"/>
    <xsl:choose>
      <xsl:when test="$a = $b"><td class="cell self" title="{$a}">·</td></xsl:when>
      <xsl:when test="not($cell/@r)"><td class="cell" title="{$a}/{$b}: no 1-year value">n/a</td></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="bg"><xsl:call-template name="rdbu"><xsl:with-param name="r" select="$cell/@r"/></xsl:call-template></xsl:variable>
        <xsl:variable name="fg">
          <xsl:choose>
            <xsl:when test="$cell/@r &gt;= 0.6 or $cell/@r &lt;= -0.6">#fff</xsl:when>
            <xsl:otherwise>#111</xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <td class="cell" style="background:{$bg};color:{$fg}" title="{$a}/{$b}: 1-year r {format-number($cell/@r, '+0.00;-0.00')}">
          <xsl:choose>
            <xsl:when test="$p">
              <a href="{$root}pairs/{$p[1]/@id}/index.html"><xsl:value-of select="format-number($cell/@r, '+0.00;-0.00')"/></a>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="format-number($cell/@r, '+0.00;-0.00')"/></xsl:otherwise>
          </xsl:choose>
        </td>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="scale">
    <div class="scale" role="img" aria-label="Colour scale: blue for -1, white for 0, red for +1">
      <i style="background:rgb(33,102,172)"/><i style="background:rgb(103,169,207)"/><i style="background:rgb(209,229,240)"/><i style="background:rgb(247,247,247)"/><i style="background:rgb(253,219,199)"/><i style="background:rgb(239,138,98)"/><i style="background:rgb(178,24,43)"/>
    </div>
    <div class="scale-l"><span>−1</span><span>0</span><span>+1</span></div>
  </xsl:template>

  <!-- ", prices to 2 Jan 2001" after a pair whose prices end before the
       report's date (issue 12: every pair shows its own as-of date where
       it is older); nothing otherwise. $p is the report's <pair>. -->
  <xsl:template name="stale-note">
    <xsl:param name="p"/>
    <xsl:if test="$p/@as-of and $p/@as-of != /report/@as-of">
      <span class="s stale">
        <xsl:call-template name="stale"><xsl:with-param name="p" select="$p"/><xsl:with-param name="word" select="'prices'"/></xsl:call-template>
      </span>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
