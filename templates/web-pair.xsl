<?xml version="1.0" encoding="UTF-8"?>
<!-- web-pair.xsl - the deep dive of one pair as a web page (docs/web.md):
     ARCHIVE/YYYY/MM/DD/pairs/A-B.html (dated) and ARCHIVE/pairs/A-B/index.html
     (the latest), the sections of the deep dive in the order of the page we
     follow, every figure from report.xml, "n/a" where there is none.
     Parameters: pair (its id), and those of web-common.xsl.
     Preview: xsltproc -stringparam pair SBI-SPI -stringparam day ../ \
       -stringparam root ../../../../ templates/web-pair.xsl OUT/DATE/report.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="web-common.xsl"/>
  <xsl:param name="pair" select="''"/>
  <!-- The methodology's paragraphs, the same on every page: made once per
       transformation (web-pairs.xsl makes many pages in one). -->
  <!-- So are the masthead, the sign-up box, the footer and the report's date. -->
  <xsl:variable name="masthead-html"><xsl:call-template name="masthead"/></xsl:variable>
  <xsl:variable name="signup-html"><xsl:call-template name="signup"/></xsl:variable>
  <xsl:variable name="footer-html"><xsl:call-template name="footer"/></xsl:variable>
  <xsl:variable name="asof-date">
    <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="/report/@as-of"/></xsl:call-template>
  </xsl:variable>
  <xsl:variable name="methodology">
    <xsl:call-template name="paragraphs"><xsl:with-param name="text" select="/report/methodology"/></xsl:call-template>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:variable name="p" select="key('pair', $pair)"/>
    <xsl:if test="not($p)">
      <xsl:message terminate="yes">web-pair.xsl: no pair "<xsl:value-of select="$pair"/>" in the report</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="$p"/>
  </xsl:template>

  <xsl:template match="pair">
    <xsl:variable name="na"><xsl:call-template name="long-name"><xsl:with-param name="sym" select="@a"/></xsl:call-template></xsl:variable>
    <xsl:variable name="nb"><xsl:call-template name="long-name"><xsl:with-param name="sym" select="@b"/></xsl:call-template></xsl:variable>
    <xsl:variable name="title" select="concat($na, ' vs ', $nb, ': Correlation Analysis')"/>
    <xsl:call-template name="doctype"/>
    <html lang="en">
      <xsl:call-template name="head">
        <xsl:with-param name="title" select="concat(@a, '/', @b, ' correlation, ', /report/@as-of, ' - ', $site-title)"/>
        <xsl:with-param name="description" select="concat('Correlation of ', $na, ' and ', $nb, ' as of ', @as-of, ': rolling windows, year by year, beta and regime shifts.')"/>
      </xsl:call-template>
      <body>
        <xsl:copy-of select="$masthead-html"/>
        <main>
          <nav class="crumbs" aria-label="Breadcrumbs">
            <a href="{$root}index.html">Archive</a> ›
            <a href="{$day}index.html"><xsl:value-of select="$asof-date"/></a> ›
            Correlation Deep Dive
          </nav>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="lead">
            <xsl:text>Pearson correlation of daily log returns for </xsl:text>
            <xsl:value-of select="$na"/><xsl:text> and </xsl:text><xsl:value-of select="$nb"/>
            <xsl:text>: rolling windows, year-by-year breakdown, regression beta and regime shifts. Data window </xsl:text>
            <span class="nw"><xsl:value-of select="@first-price"/></span><xsl:text> to </xsl:text><span class="nw"><xsl:value-of select="@as-of"/></span>
            <xsl:text> (</xsl:text>
            <xsl:call-template name="plural"><xsl:with-param name="n" select="@observations"/><xsl:with-param name="one" select="'aligned observation'"/></xsl:call-template>
            <xsl:text>).</xsl:text>
          </p>
          <xsl:if test="@as-of != /report/@as-of">
            <p class="note stale">
              <xsl:text>The prices of this pair end on </xsl:text>
              <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@as-of"/></xsl:call-template>
              <xsl:text>, before this report's date (</xsl:text>
              <xsl:value-of select="$asof-date"/>
              <xsl:text>): every figure on this page is as of that day.</xsl:text>
            </p>
          </xsl:if>
          <p class="note">
            <a href="{$day}{@id}.pdf">Deep dive as PDF</a> ·
            <a href="{$root}pairs/{@id}/index.html">Latest page of <xsl:value-of select="concat(@a, '/', @b)"/></a> ·
            <xsl:text>Regime-shift rank </xsl:text><xsl:value-of select="@rank"/>
            <xsl:text> of </xsl:text><xsl:value-of select="count(/report/ranking/shift)"/>
          </p>

          <ul class="tiles" aria-label="Correlation by window">
            <xsl:for-each select="window"><xsl:call-template name="window-tile"/></xsl:for-each>
          </ul>

          <h2 id="meaning">What the Number Means</h2>
          <p><xsl:value-of select="meaning"/></p>

          <xsl:call-template name="recent"/>
          <xsl:call-template name="details"><xsl:with-param name="na" select="$na"/><xsl:with-param name="nb" select="$nb"/></xsl:call-template>
          <xsl:call-template name="years"/>
          <xsl:call-template name="extremes"/>

          <h2 id="methodology">Methodology</h2>
          <xsl:copy-of select="$methodology"/>
          <p>Data updates with each daily run; this page is rebuilt then and the dated page of each day is kept unchanged in the archive.</p>

          <xsl:call-template name="related"/>
          <xsl:call-template name="more"/>
          <xsl:copy-of select="$signup-html"/>

          <h2 id="disclaimer">Disclaimer</h2>
          <p class="note"><xsl:value-of select="/report/disclaimer"/></p>
        </main>
        <xsl:copy-of select="$footer-html"/>
      </body>
    </html>
  </xsl:template>

  <!-- ==== the four window tiles ==== -->
  <xsl:template name="window-tile">
    <li>
      <span class="k">
        <xsl:choose>
          <xsl:when test="@key = '30d'">30-Day</xsl:when>
          <xsl:when test="@key = '90d'">90-Day</xsl:when>
          <xsl:when test="@key = '1y'">1-Year</xsl:when>
          <xsl:when test="@key = '5y'">5-Year</xsl:when>
          <xsl:otherwise><xsl:value-of select="@key"/></xsl:otherwise>
        </xsl:choose>
      </span>
      <span class="v"><xsl:call-template name="r3"><xsl:with-param name="v" select="@r"/></xsl:call-template></span>
      <span class="s">
        <xsl:choose>
          <xsl:when test="@label"><xsl:value-of select="@label"/></xsl:when>
          <xsl:when test="@n &gt; 0">n/a: no variation in prices</xsl:when>
          <xsl:otherwise>n/a: window not full</xsl:otherwise>
        </xsl:choose>
      </span>
      <span class="s">
        <xsl:text>95% CI </xsl:text>
        <xsl:choose>
          <xsl:when test="@ci-lo and @ci-hi">
            <span class="nw"><xsl:call-template name="r2"><xsl:with-param name="v" select="@ci-lo"/></xsl:call-template>
            <xsl:text> to </xsl:text>
            <xsl:call-template name="r2"><xsl:with-param name="v" select="@ci-hi"/></xsl:call-template></span>
          </xsl:when>
          <xsl:otherwise>n/a</xsl:otherwise>
        </xsl:choose>
      </span>
      <span class="s">n = <xsl:call-template name="count"><xsl:with-param name="v" select="@n"/></xsl:call-template></span>
    </li>
  </xsl:template>

  <!-- ==== recent vs long-run ==== -->
  <xsl:template name="recent">
    <xsl:variable name="w90" select="window[@key = '90d']"/>
    <xsl:variable name="w5" select="window[@key = '5y']"/>
    <h2 id="recent">Recent vs Long-Run Behavior</h2>
    <ul class="tiles">
      <li><span class="k">90-day</span>
        <span class="v"><xsl:call-template name="r3"><xsl:with-param name="v" select="$w90/@r"/></xsl:call-template></span>
        <span class="s"><xsl:value-of select="$w90/@label"/><xsl:if test="not($w90/@label)">n/a</xsl:if></span></li>
      <li><span class="k">Baseline</span>
        <span class="v"><xsl:call-template name="r3"><xsl:with-param name="v" select="shift/@baseline-r"/></xsl:call-template></span>
        <span class="s">
          <xsl:choose>
            <xsl:when test="shift/@baseline-n">5 years less the last 90 days, <span class="nw">n = <xsl:call-template name="count"><xsl:with-param name="v" select="shift/@baseline-n"/></xsl:call-template></span></xsl:when>
            <xsl:otherwise>n/a: needs 120 returns</xsl:otherwise>
          </xsl:choose>
        </span>
        <span class="s">5-year r <xsl:call-template name="r3"><xsl:with-param name="v" select="$w5/@r"/></xsl:call-template></span></li>
      <li><span class="k">Change vs 5-year</span>
        <span class="v"><xsl:call-template name="r3"><xsl:with-param name="v" select="shift/@delta"/></xsl:call-template></span>
        <span class="s"><xsl:value-of select="shift/@regime"/></span></li>
      <li><span class="k">Shift test</span>
        <span class="v">z = <xsl:call-template name="r2"><xsl:with-param name="v" select="shift/@z"/></xsl:call-template></span>
        <span class="s">p <xsl:if test="not(shift/@p &lt; 0.0001)">= </xsl:if><xsl:call-template name="fmt-p"><xsl:with-param name="v" select="shift/@p"/></xsl:call-template></span></li>
    </ul>
    <p><xsl:value-of select="shift-text"/></p>
    <xsl:variable name="last"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="$w90/@r"/></xsl:call-template></xsl:variable>
    <xsl:variable name="hi"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="rolling90/@max-r"/></xsl:call-template></xsl:variable>
    <xsl:variable name="lo"><xsl:call-template name="fmt-r"><xsl:with-param name="v" select="rolling90/@min-r"/></xsl:call-template></xsl:variable>
    <figure>
      <xsl:call-template name="img">
        <xsl:with-param name="src" select="charts/@rolling-2x"/>
        <xsl:with-param name="lazy" select="false()"/>
        <xsl:with-param name="w" select="495"/><xsl:with-param name="h" select="220"/>
        <xsl:with-param name="alt" select="concat('Line chart of the rolling 90-day and 30-day correlation of ', @a, ' and ', @b, ' from ', @start, ' to ', @as-of, '; the 90-day value ends at ', $last, ', its highest was ', $hi, ' and its lowest ', $lo, '. Month-end values in the table below.')"/>
      </xsl:call-template>
      <figcaption>Rolling correlation, 90-day (thick) and 30-day (thin).</figcaption>
    </figure>
    <details>
      <summary>The rolling 90-day correlation at each month's end, as a table (<xsl:value-of select="count(rolling90/month)"/>)</summary>
      <xsl:choose>
        <xsl:when test="rolling90/month">
          <div class="scroll"><table>
            <caption>Rolling 90-day correlation of <xsl:value-of select="concat(@a, '/', @b)"/>, last return of each month</caption>
            <thead><tr><th scope="col">Month ending</th><th scope="col" class="n">90-day r</th></tr></thead>
            <tbody>
              <xsl:for-each select="rolling90/month">
                <xsl:sort select="@end" order="descending"/>
                <!-- r3 as one format-number: the table has a row per month (a
                     value rounding to zero reads +0.000, as r3 writes it) -->
                <tr><td><xsl:value-of select="@end"/></td><td class="n"><xsl:value-of select="format-number(@r * not(@r &lt; 0 and @r &gt; -0.0005), '+0.000;&#8722;0.000')"/></td></tr>
              </xsl:for-each>
            </tbody>
          </table></div>
        </xsl:when>
        <xsl:otherwise><p>n/a: the report carries no rolling values for this pair.</p></xsl:otherwise>
      </xsl:choose>
    </details>
  </xsl:template>

  <!-- ==== statistical details ==== -->
  <xsl:template name="details">
    <xsl:param name="na"/>
    <xsl:param name="nb"/>
    <xsl:variable name="o" select="one-year"/>
    <h2 id="details">Statistical Details (1-Year Window)</h2>
    <div class="scroll"><table>
      <thead><tr><th scope="col">Measure</th><th scope="col" class="n">Value</th></tr></thead>
      <tbody>
        <tr><td>Pearson correlation (r)</td><td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="$o/@r"/></xsl:call-template></td></tr>
        <tr><td>R-squared (r²)</td><td class="n"><xsl:call-template name="u3"><xsl:with-param name="v" select="$o/@r2"/></xsl:call-template></td></tr>
        <tr><td>Beta (<xsl:value-of select="@a"/> on <xsl:value-of select="@b"/>)</td><td class="n"><xsl:call-template name="u3"><xsl:with-param name="v" select="$o/@beta"/></xsl:call-template></td></tr>
        <tr><td>Daily volatility σ(<xsl:value-of select="@a"/>)</td><td class="n"><xsl:call-template name="pct"><xsl:with-param name="v" select="$o/@vol-a"/></xsl:call-template></td></tr>
        <tr><td>Daily volatility σ(<xsl:value-of select="@b"/>)</td><td class="n"><xsl:call-template name="pct"><xsl:with-param name="v" select="$o/@vol-b"/></xsl:call-template></td></tr>
        <tr><td>Observations</td><td class="n"><xsl:call-template name="count"><xsl:with-param name="v" select="$o/@n"/></xsl:call-template></td></tr>
      </tbody>
    </table></div>
    <p>Correlation measures directional co-movement; R² is the fraction of variance explained by the linear relationship. Beta is the slope from regressing <xsl:value-of select="$na"/> returns on <xsl:value-of select="$nb"/> returns: a beta above 1 means the first asset amplifies moves of the second.</p>
    <figure class="half">
      <xsl:call-template name="img">
        <xsl:with-param name="src" select="charts/@scatter-2x"/>
        <xsl:with-param name="fallback" select="charts/@scatter"/>
        <xsl:with-param name="w" select="260"/><xsl:with-param name="h" select="220"/>
        <xsl:with-param name="alt" select="concat('Scatter plot of the daily returns of ', @a, ' (vertical) against ', @b, ' (horizontal) over the last year, with the regression line; the figures are in the table above.')"/>
      </xsl:call-template>
      <figcaption>Daily returns over the last year (%), with the least-squares line.</figcaption>
    </figure>
  </xsl:template>

  <!-- ==== year by year ==== -->
  <xsl:template name="years">
    <h2 id="years">Year-by-Year Correlation</h2>
    <xsl:choose>
      <xsl:when test="years/year">
        <div class="scroll"><table>
          <thead><tr><th scope="col">Year</th><th scope="col" class="n">Correlation</th><th scope="col">Strength</th><th scope="col" class="n">Obs.</th></tr></thead>
          <tbody>
            <xsl:for-each select="years/year">
              <tr>
                <td><xsl:value-of select="@year"/></td>
                <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="@r"/></xsl:call-template></td>
                <td><xsl:value-of select="@label"/><xsl:if test="not(@label)">n/a (fewer than 20 returns)</xsl:if></td>
                <td class="n"><xsl:call-template name="count"><xsl:with-param name="v" select="@n"/></xsl:call-template></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table></div>
      </xsl:when>
      <xsl:otherwise><p>n/a: no calendar year in the history.</p></xsl:otherwise>
    </xsl:choose>
    <p>Year-by-year correlation shows how the relationship held up across different macro regimes. Sharp year-over-year swings often mark the transition between stress and calm periods.</p>
    <figure>
      <xsl:call-template name="img">
        <xsl:with-param name="src" select="charts/@years-2x"/>
        <xsl:with-param name="fallback" select="charts/@years"/>
        <xsl:with-param name="w" select="495"/><xsl:with-param name="h" select="180"/>
        <xsl:with-param name="alt" select="concat('Bar chart of the correlation of ', @a, ' and ', @b, ' in each calendar year; the values are in the table above.')"/>
      </xsl:call-template>
      <figcaption>Correlation by calendar year.</figcaption>
    </figure>
  </xsl:template>

  <!-- ==== rolling extremes ==== -->
  <xsl:template name="extremes">
    <xsl:variable name="x" select="rolling90"/>
    <h2 id="extremes">Rolling 90-Day Extremes</h2>
    <ul class="tiles">
      <li><span class="k">Most correlated period</span>
        <span class="v"><xsl:call-template name="r3"><xsl:with-param name="v" select="$x/@max-r"/></xsl:call-template></span>
        <span class="s"><xsl:value-of select="$x/@max-label"/><xsl:if test="not($x/@max-label)">n/a</xsl:if></span>
        <span class="s"><xsl:choose><xsl:when test="$x/@max-end">ending <span class="nw"><xsl:value-of select="$x/@max-end"/></span></xsl:when><xsl:otherwise>n/a: fewer than 90 returns</xsl:otherwise></xsl:choose></span></li>
      <li><span class="k">Most decoupled period</span>
        <span class="v"><xsl:call-template name="r3"><xsl:with-param name="v" select="$x/@min-r"/></xsl:call-template></span>
        <span class="s"><xsl:value-of select="$x/@min-label"/><xsl:if test="not($x/@min-label)">n/a</xsl:if></span>
        <span class="s"><xsl:choose><xsl:when test="$x/@min-end">ending <span class="nw"><xsl:value-of select="$x/@min-end"/></span></xsl:when><xsl:otherwise>n/a: fewer than 90 returns</xsl:otherwise></xsl:choose></span></li>
    </ul>
    <p>Extremes in rolling 90-day correlation often coincide with regime changes, forced deleveraging, or the arrival of a dominant new macro theme that overwhelms normal relationships.</p>
  </xsl:template>

  <!-- ==== related and more ==== -->
  <xsl:template name="related">
    <h2 id="related">Related Correlations</h2>
    <xsl:choose>
      <xsl:when test="related">
        <div class="scroll"><table>
          <caption>Watchlist pairs sharing <xsl:value-of select="@a"/> or <xsl:value-of select="@b"/>, most shifted first</caption>
          <thead><tr><th scope="col">Pair</th><th scope="col" class="n">90-day</th><th scope="col">Strength</th><th scope="col" class="n">Change vs 5-year</th></tr></thead>
          <tbody>
            <xsl:for-each select="related">
              <tr>
                <td><a href="{$day}pairs/{@pair}.html"><xsl:value-of select="concat(@a, '/', @b)"/></a></td>
                <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="@r90"/></xsl:call-template></td>
                <td><xsl:value-of select="@label"/><xsl:if test="not(@label)">n/a</xsl:if></td>
                <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="@delta"/></xsl:call-template></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table></div>
      </xsl:when>
      <xsl:otherwise><p>n/a: no other watchlist pair shares <xsl:value-of select="@a"/> or <xsl:value-of select="@b"/>.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="more">
    <xsl:variable name="id" select="@id"/>
    <h2 id="more">More Comparisons</h2>
    <xsl:for-each select="@a | @b">
      <xsl:variable name="s" select="string(.)"/>
      <xsl:variable name="others" select="key('sym', $s)[@id != $id]"/>
      <h3><a href="{$root}symbols/{$s}/index.html"><xsl:call-template name="long-name"><xsl:with-param name="sym" select="$s"/></xsl:call-template></a></h3>
      <xsl:choose>
        <xsl:when test="$others">
          <ul class="links">
            <xsl:for-each select="$others">
              <xsl:sort select="@rank" data-type="number"/>
              <xsl:if test="position() &lt;= 8">
              <li><a href="{$day}pairs/{@id}.html"><xsl:value-of select="concat(@a, '/', @b)"/></a>
                <xsl:text>: 90-day </xsl:text>
                <xsl:variable name="r" select="window[@key = '90d']/@r"/>
                <xsl:choose>
                  <xsl:when test="not($r)">n/a</xsl:when>
                  <xsl:otherwise><xsl:value-of select="format-number($r * not($r &lt; 0 and $r &gt; -0.0005), '+0.000;&#8722;0.000')"/></xsl:otherwise>
                </xsl:choose></li>
              </xsl:if>
            </xsl:for-each>
          </ul>
          <xsl:if test="count($others) &gt; 8">
            <p><a href="{$root}symbols/{$s}/index.html">All <xsl:value-of select="count($others) + 1"/> pairs with <xsl:value-of select="$s"/></a> (the 8 most shifted above)</p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise><p>No other pair with <xsl:value-of select="$s"/> on the watchlist.</p></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <p><a href="{$root}matrix/index.html">The correlation matrix of the watchlist</a> ·
      <a href="{$day}index.html">All pairs of <xsl:value-of select="$asof-date"/></a></p>
  </xsl:template>

  <!-- A chart: the 2x PNG at its size in CSS px, scaled down to fit. -->
  <xsl:template name="img">
    <xsl:param name="src"/>
    <xsl:param name="fallback" select="$src"/>
    <xsl:param name="w"/>
    <xsl:param name="h"/>
    <xsl:param name="alt"/>
    <xsl:param name="lazy" select="true()"/>
    <xsl:variable name="f">
      <xsl:choose>
        <xsl:when test="string($src) != ''"><xsl:value-of select="$src"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$fallback"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <img src="{$day}{$f}" width="{$w}" height="{$h}" alt="{$alt}">
      <xsl:if test="$lazy"><xsl:attribute name="loading">lazy</xsl:attribute></xsl:if>
    </img>
  </xsl:template>
</xsl:stylesheet>
