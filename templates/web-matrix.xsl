<?xml version="1.0" encoding="UTF-8"?>
<!-- web-matrix.xsl - the correlation matrix (ARCHIVE/matrix/index.html,
     docs/web.md): the 1-year r of every pair of the watchlist's symbols as
     a coloured table; a cell of a watchlist pair links to its page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="web-common.xsl"/>

  <xsl:template match="/report">
    <xsl:variable name="date"><xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@as-of"/></xsl:call-template></xsl:variable>
    <xsl:variable name="syms" select="heatmap/symbol"/>
    <xsl:call-template name="doctype"/>
    <html lang="en">
      <xsl:call-template name="head">
        <xsl:with-param name="title" select="concat('Correlation matrix, ', $date, ' - ', $site-title)"/>
        <xsl:with-param name="description" select="concat('1-year correlation of ', count($syms), ' symbols as of ', $date, '.')"/>
      </xsl:call-template>
      <body>
        <xsl:call-template name="masthead"/>
        <main>
          <nav class="crumbs" aria-label="Breadcrumbs"><a href="{$root}index.html">Archive</a> › Matrix</nav>
          <h1>Correlation matrix</h1>
          <p class="lead">1-year correlation of daily log returns of the watchlist's symbols as of <a href="{$day}index.html"><xsl:value-of select="$date"/></a>. A value that is a link opens the deep dive of that watchlist pair; the row and column heads open the symbol's page.</p>
          <xsl:call-template name="scale"/>
          <xsl:choose>
            <xsl:when test="count($syms) &gt; 1">
              <div class="scroll"><table>
                <caption>1-year r, <xsl:call-template name="plural"><xsl:with-param name="n" select="count($syms)"/><xsl:with-param name="one" select="'symbol'"/></xsl:call-template></caption>
                <thead><tr><td/>
                  <xsl:for-each select="$syms"><th scope="col" class="n"><a href="{$root}symbols/{.}/index.html"><xsl:value-of select="."/></a></th></xsl:for-each>
                </tr></thead>
                <tbody>
                  <xsl:for-each select="$syms">
                    <xsl:variable name="a" select="string(.)"/>
                    <tr><th scope="row"><a href="{$root}symbols/{$a}/index.html"><xsl:value-of select="$a"/></a></th>
                      <xsl:for-each select="$syms">
                        <xsl:call-template name="matrix-cell"><xsl:with-param name="a" select="$a"/><xsl:with-param name="b" select="string(.)"/></xsl:call-template>
                      </xsl:for-each>
                    </tr>
                  </xsl:for-each>
                </tbody>
              </table></div>
            </xsl:when>
            <xsl:otherwise><p>n/a: fewer than two symbols with recent prices.</p></xsl:otherwise>
          </xsl:choose>
          <h2 id="symbols">Symbols</h2>
          <ul class="links">
            <xsl:for-each select="assets/asset[@symbol = /report/pairs/pair/@a or @symbol = /report/pairs/pair/@b]">
              <li><a href="{$root}symbols/{@symbol}/index.html"><xsl:call-template name="long-name"><xsl:with-param name="sym" select="@symbol"/></xsl:call-template></a></li>
            </xsl:for-each>
          </ul>
        </main>
        <xsl:call-template name="footer"/>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
