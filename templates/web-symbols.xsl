<?xml version="1.0" encoding="UTF-8"?>
<!-- web-symbols.xsl - every symbol page (web-symbol.xsl) in one
     transformation, each followed by the line <!-convex-page-end-> (with two
     dashes) that site.c cuts them apart at; the symbols are those of the
     computed pairs, in the order of <assets>. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="web-symbol.xsl"/>

  <xsl:template match="/">
    <xsl:for-each select="/report/assets/asset[key('sym', @symbol)]">
      <xsl:variable name="sym" select="string(@symbol)"/>
      <xsl:for-each select="/report">
        <xsl:call-template name="symbol-page"><xsl:with-param name="s" select="$sym"/></xsl:call-template>
      </xsl:for-each>
      <xsl:text disable-output-escaping="yes">&#10;&lt;!--convex-page-end--&gt;&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
