<?xml version="1.0" encoding="UTF-8"?>
<!-- digest-subject.xsl - the subject line of the daily digest: the news
     first (the biggest shift among pairs whose data reaches the digest
     date; a stale pair never headlines), then the date; at most 60
     characters so that a phone shows all of it. Without a fresh shift: the
     digest title and the date. One line; convex rejects a subject holding
     CR/LF. Preview: xsltproc templates/digest-subject.xsl OUT/DATE/report.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="digest-common.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:param name="name" select="''"/>
  <xsl:param name="title" select="/report/@title"/>  <!-- the digest title (<digest title>), default the job's -->
  <xsl:variable name="subject-max" select="60"/>

  <!-- `text` cut to `max` characters, ending in an ellipsis when cut. -->
  <xsl:template name="fit">
    <xsl:param name="text"/>
    <xsl:param name="max"/>
    <xsl:choose>
      <xsl:when test="string-length($text) &lt;= $max"><xsl:value-of select="$text"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="concat(normalize-space(substring($text, 1, $max - 1)), '&#8230;')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/">
    <xsl:variable name="r" select="/report"/>
    <xsl:variable name="s" select="$r/ranking/shift[not(@pair = $r/pairs/pair[@as-of != $r/@as-of]/@id)][1]"/>
    <xsl:variable name="date"><xsl:call-template name="fmt-date"><xsl:with-param name="d" select="$r/@as-of"/></xsl:call-template></xsl:variable>
    <xsl:variable name="news">
      <xsl:if test="$s">
        <xsl:value-of select="concat($s/@a, '/', $s/@b, ' ', $s/@regime, ' (')"/>
        <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="$s/@delta"/></xsl:call-template>
        <xsl:text>)</xsl:text>
      </xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$news != '' and string-length(concat($news, ', ', $date)) &lt;= $subject-max">
        <xsl:value-of select="concat($news, ', ', $date)"/>
      </xsl:when>
      <xsl:when test="$news != ''">
        <xsl:call-template name="fit"><xsl:with-param name="text" select="$news"/><xsl:with-param name="max" select="$subject-max"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="fit">
          <xsl:with-param name="text" select="normalize-space($title)"/>
          <xsl:with-param name="max" select="$subject-max - string-length($date) - 2"/>
        </xsl:call-template>
        <xsl:value-of select="concat(', ', $date)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
