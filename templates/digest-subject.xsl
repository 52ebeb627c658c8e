<?xml version="1.0" encoding="UTF-8"?>
<!-- digest-subject.xsl - the subject line of the daily digest: title, date
     and the biggest shift. One line; convex rejects a subject holding CR/LF.
     Preview: xsltproc templates/digest-subject.xsl OUT/DATE/report.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="digest-common.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:param name="name" select="''"/>

  <xsl:template match="/">
    <xsl:variable name="r" select="/report"/>
    <xsl:variable name="s" select="$r/ranking/shift[1]"/>
    <xsl:value-of select="normalize-space($r/@title)"/>
    <xsl:text>, </xsl:text>
    <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="$r/@as-of"/></xsl:call-template>
    <xsl:if test="$s">
      <xsl:value-of select="concat(': ', $s/@a, '/', $s/@b, ' ', $s/@regime, ' (')"/>
      <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="$s/@delta"/></xsl:call-template>
      <xsl:text>)</xsl:text>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
