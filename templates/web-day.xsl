<?xml version="1.0" encoding="UTF-8"?>
<!-- web-day.xsl - the web edition of a day (ARCHIVE/YYYY/MM/DD/index.html):
     the digest without personal parts, every pair, charts as files next to
     the page, links to the archived PDFs.
     Preview: xsltproc -stringparam pdf-base ./ templates/web-day.xsl OUT/DATE/report.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="digest-html.xsl"/>
  <xsl:param name="edition" select="'web'"/>
  <xsl:param name="pdf-base" select="'./'"/>

  <xsl:template name="img-src">
    <xsl:param name="path"/>
    <xsl:value-of select="$path"/>
  </xsl:template>
</xsl:stylesheet>
