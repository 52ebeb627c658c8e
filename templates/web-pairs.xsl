<?xml version="1.0" encoding="UTF-8"?>
<!-- web-pairs.xsl - every pair page of a report in one transformation (the
     pages of web-pair.xsl one after the other, each followed by the line
     <!-convex-page-end-> written with two dashes; site.c cuts them apart). One
     transformation for a chunk of pairs instead of one per pair: libxslt
     prepares the whole report for each transformation (its keys), which
     costs more than a page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="web-pair.xsl"/>

  <!-- The pairs at these positions (1-based, inclusive): site.c makes
       the pages a chunk at a time. -->
  <xsl:param name="first" select="1"/>
  <xsl:param name="last" select="count(/report/pairs/pair)"/>

  <xsl:template match="/">
    <xsl:for-each select="/report/pairs/pair[position() &gt;= number($first) and position() &lt;= number($last)]">
      <xsl:apply-templates select="."/>
      <xsl:text disable-output-escaping="yes">&#10;&lt;!--convex-page-end--&gt;&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
