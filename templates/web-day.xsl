<?xml version="1.0" encoding="UTF-8"?>
<!-- web-day.xsl - the web edition of a day (ARCHIVE/YYYY/MM/DD/index.html,
     docs/web.md): the regime-shift ranking, the shift chart and the heatmap,
     then a link to every pair's page and PDF and to the digest PDF.
     Parameters: those of web-common.xsl (day is "" here).
     Preview: xsltproc -stringparam root ../../../ templates/web-day.xsl OUT/DATE/report.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="web-common.xsl"/>

  <xsl:template match="/report">
    <xsl:variable name="date"><xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@as-of"/></xsl:call-template></xsl:variable>
    <xsl:variable name="top" select="ranking/shift[position() &lt;= current()/ranking/@top]"/>
    <xsl:call-template name="doctype"/>
    <html lang="en">
      <xsl:call-template name="head">
        <xsl:with-param name="title" select="concat($site-title, ', ', $date)"/>
        <xsl:with-param name="description" select="concat('Correlation digest of ', $date, ': regime shifts, the matrix and a deep dive per pair.')"/>
      </xsl:call-template>
      <body>
        <xsl:call-template name="masthead"/>
        <main>
          <nav class="crumbs" aria-label="Breadcrumbs"><a href="{$root}index.html">Archive</a> › <xsl:value-of select="$date"/></nav>
          <h1><xsl:value-of select="$site-title"/>, <xsl:value-of select="$date"/></h1>
          <p class="lead">
            <xsl:call-template name="plural"><xsl:with-param name="n" select="count(pairs/pair)"/><xsl:with-param name="one" select="'pair'"/></xsl:call-template>
            <xsl:text> computed over a </xsl:text><xsl:value-of select="@lookback-years"/><xsl:text>-year history</xsl:text>
            <xsl:if test="skipped/pair">
              <xsl:text>, </xsl:text>
              <xsl:call-template name="plural"><xsl:with-param name="n" select="count(skipped/pair)"/><xsl:with-param name="one" select="'pair'"/></xsl:call-template>
              <xsl:text> skipped</xsl:text>
            </xsl:if>
            <xsl:text>. </xsl:text>
            <a href="{$day}{substring-after(@digest, 'pdf/')}">The whole digest as PDF</a>
          </p>

          <h2 id="shifts">Regime shifts</h2>
          <xsl:choose>
            <xsl:when test="$top">
              <p class="note">The <xsl:call-template name="plural"><xsl:with-param name="n" select="count($top)"/><xsl:with-param name="one" select="'pair'"/></xsl:call-template> whose 90-day correlation moved furthest from its baseline, of <xsl:value-of select="ranking/@tests"/> tested; significant: after Benjamini-Hochberg at <xsl:value-of select="format-number(ranking/@alpha * 100, '0.#')"/>%.</p>
              <div class="scroll"><table>
                <thead><tr><th scope="col">#</th><th scope="col">Pair</th><th scope="col" class="n">90-day</th><th scope="col" class="n">Baseline</th><th scope="col" class="n">z</th></tr></thead>
                <tbody>
                  <xsl:for-each select="$top">
                    <tr>
                      <td><xsl:value-of select="@rank"/></td>
                      <td><a href="{$day}pairs/{@pair}.html"><xsl:value-of select="concat(@a, '/', @b)"/></a>
                        <span class="s"><xsl:value-of select="@regime"/><xsl:if test="@significant = 'true'">, significant</xsl:if></span>
                        <xsl:call-template name="stale-note"><xsl:with-param name="p" select="key('pair', @pair)"/></xsl:call-template></td>
                      <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="@r90"/></xsl:call-template></td>
                      <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="@baseline"/></xsl:call-template></td>
                      <td class="n"><xsl:call-template name="fixed"><xsl:with-param name="v" select="@z"/><xsl:with-param name="d" select="1"/></xsl:call-template></td>
                    </tr>
                  </xsl:for-each>
                </tbody>
              </table></div>
            </xsl:when>
            <xsl:otherwise><p>n/a: no pair had a shift test today.</p></xsl:otherwise>
          </xsl:choose>
          <xsl:if test="ranking/@chart">
            <figure>
              <img src="{$day}{ranking/@chart}" alt="Dumbbell chart of the 90-day correlation against its baseline for the most shifted pairs; every pair's figures are in the table below." loading="lazy" decoding="async"/>
              <figcaption>90-day correlation against the baseline, 95% intervals as whiskers.</figcaption>
            </figure>
          </xsl:if>

          <h2 id="matrix">The matrix</h2>
          <p>The 1-year correlation of every pair of the watchlist's symbols: <a href="{$root}matrix/index.html">as a table with links to the pairs</a>.</p>
          <xsl:if test="heatmap/@chart and heatmap/symbol">
            <figure>
              <img src="{$day}{heatmap/@chart}" alt="Heatmap of the 1-year correlations of {count(heatmap/symbol)} symbols, blue for negative, red for positive; the values are on the matrix page." loading="lazy" decoding="async"/>
              <figcaption>1-year correlation of the watchlist's symbols.</figcaption>
            </figure>
          </xsl:if>

          <h2 id="pairs">Every pair</h2>
          <div class="scroll"><table>
            <caption>Ordered by the shift ranking; the page of each pair holds its full deep dive</caption>
            <thead><tr><th scope="col">Pair</th><th scope="col" class="n">90-day</th><th scope="col">Strength</th><th scope="col">PDF</th></tr></thead>
            <tbody>
              <xsl:for-each select="pairs/pair">
                <xsl:sort select="@rank" data-type="number"/>
                <tr>
                  <td><a href="{$day}pairs/{@id}.html"><xsl:value-of select="concat(@a, '/', @b)"/></a>
                    <xsl:call-template name="stale-note"><xsl:with-param name="p" select="."/></xsl:call-template></td>
                  <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="window[@key = '90d']/@r"/></xsl:call-template></td>
                  <td><xsl:value-of select="window[@key = '90d']/@label"/><xsl:if test="not(window[@key = '90d']/@label)">n/a</xsl:if></td>
                  <td><a href="{$day}{@id}.pdf">PDF</a></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table></div>
          <xsl:if test="skipped/pair">
            <h3>Skipped</h3>
            <ul>
              <xsl:for-each select="skipped/pair">
                <li><xsl:value-of select="concat(@a, '/', @b, ': ', @reason)"/></li>
              </xsl:for-each>
            </ul>
          </xsl:if>
          <xsl:call-template name="signup"/>
          <p class="note"><xsl:value-of select="disclaimer"/></p>
        </main>
        <xsl:call-template name="footer"/>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
