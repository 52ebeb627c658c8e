<?xml version="1.0" encoding="UTF-8"?>
<!-- web-symbol.xsl - a symbol's page (ARCHIVE/symbols/SYM/index.html,
     docs/web.md): its watchlist pairs on the newest day, and its row of the
     correlation matrix. Parameters: symbol, and those of web-common.xsl. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="web-common.xsl"/>
  <xsl:param name="symbol" select="''"/>

  <xsl:template match="/report">
    <xsl:call-template name="symbol-page"><xsl:with-param name="s" select="$symbol"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="symbol-page">
    <xsl:param name="s"/>
    <xsl:variable name="a" select="key('asset', $s)"/>
    <xsl:variable name="name"><xsl:call-template name="long-name"><xsl:with-param name="sym" select="$s"/></xsl:call-template></xsl:variable>
    <xsl:variable name="date"><xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@as-of"/></xsl:call-template></xsl:variable>
    <xsl:variable name="pairs" select="key('sym', $s)"/>
    <xsl:call-template name="doctype"/>
    <html lang="en">
      <xsl:call-template name="head">
        <xsl:with-param name="title" select="concat($name, ': correlations - ', $site-title)"/>
        <xsl:with-param name="description" select="concat('Every watchlist pair with ', $name, ' and its 1-year correlations.')"/>
      </xsl:call-template>
      <body>
        <xsl:call-template name="masthead"/>
        <main>
          <nav class="crumbs" aria-label="Breadcrumbs"><a href="{$root}index.html">Archive</a> › <a href="{$root}matrix/index.html">Matrix</a> › <xsl:value-of select="$s"/></nav>
          <h1><xsl:value-of select="$name"/></h1>
          <p class="lead">
            <xsl:if test="$a/@group"><xsl:text>Group: </xsl:text><xsl:value-of select="$a/@group"/><xsl:text>. </xsl:text></xsl:if>
            <xsl:text>Prices </xsl:text>
            <xsl:choose>
              <xsl:when test="$a/@first"><xsl:value-of select="$a/@first"/> to <xsl:value-of select="$a/@last"/></xsl:when>
              <xsl:otherwise>n/a</xsl:otherwise>
            </xsl:choose>
            <xsl:if test="$a/@stale = 'true'"> (stale: <xsl:value-of select="$a/@days"/> days old)</xsl:if>
            <xsl:text>. Data as of </xsl:text><xsl:value-of select="$date"/><xsl:text>.</xsl:text>
          </p>
          <h2 id="pairs">Pairs with <xsl:value-of select="$s"/></h2>
          <p><xsl:call-template name="plural"><xsl:with-param name="n" select="count($pairs)"/><xsl:with-param name="one" select="'pair'"/></xsl:call-template> on the watchlist.</p>
          <div class="scroll"><table>
            <thead><tr><th scope="col">Pair</th><th scope="col" class="n">90-day</th><th scope="col" class="n">1-year</th><th scope="col">Regime</th></tr></thead>
            <tbody>
              <xsl:for-each select="$pairs">
                <xsl:sort select="@rank" data-type="number"/>
                <tr>
                  <td><a href="{$root}pairs/{@id}/index.html"><xsl:value-of select="concat(@a, '/', @b)"/></a></td>
                  <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="window[@key = '90d']/@r"/></xsl:call-template></td>
                  <td class="n"><xsl:call-template name="r3"><xsl:with-param name="v" select="window[@key = '1y']/@r"/></xsl:call-template></td>
                  <td><xsl:value-of select="shift/@regime"/></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table></div>
          <h2 id="row">Against every symbol (1 year)</h2>
          <xsl:choose>
            <xsl:when test="heatmap/symbol[. = $s]">
              <div class="scroll"><table>
                <thead><tr><th scope="col">Symbol</th><th scope="col" class="n">1-year r</th></tr></thead>
                <tbody>
                  <xsl:for-each select="heatmap/symbol[. != $s]">
                    <xsl:variable name="o" select="string(.)"/>
                    <tr><th scope="row"><a href="{$root}symbols/{$o}/index.html"><xsl:value-of select="$o"/></a></th>
                      <xsl:call-template name="matrix-cell"><xsl:with-param name="a" select="$s"/><xsl:with-param name="b" select="$o"/></xsl:call-template></tr>
                  </xsl:for-each>
                </tbody>
              </table></div>
              <xsl:call-template name="scale"/>
            </xsl:when>
            <xsl:otherwise><p>n/a: <xsl:value-of select="$s"/> is not in today's matrix (no recent prices).</p></xsl:otherwise>
          </xsl:choose>
          <p><a href="{$root}matrix/index.html">The whole matrix</a> · <a href="{$day}index.html">The day's edition</a></p>
        </main>
        <xsl:call-template name="footer"/>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
