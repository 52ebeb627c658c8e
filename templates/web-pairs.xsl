<?xml version="1.0" encoding="UTF-8"?>
<!-- web-pairs.xsl - every pair page of a report in one transformation (the
     pages of web-pair.xsl one after the other, each followed by the line
     <!-convex-page-end-> written with two dashes; site.c cuts them apart). One
     transformation instead of one per pair: libxslt prepares the whole
     report for each transformation, which costs more than a page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="web-pair.xsl"/>

  <xsl:template match="/">
    <xsl:for-each select="/report/pairs/pair">
      <xsl:apply-templates select="."/>
      <xsl:text disable-output-escaping="yes">&#10;&lt;!--convex-page-end--&gt;&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
