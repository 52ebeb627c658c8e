<?xml version="1.0" encoding="UTF-8"?>
<!-- digest-common.xsl - number and date formats shared by the digest
     templates (HTML, text, subject, web edition), so every medium prints the
     same figures. Included, never applied on its own. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!-- How many of a subscriber's own pairs the mail shows: the first
       $full-max (by rank, largest |z| first) in full with their chart (the
       ranking chart is the one more image: at most 6), the next $brief-max
       one line each; the rest are counted and left to the web edition, so
       a subscriber following all 435 pairs of the Dow 30 still gets a
       message within the size budget (docs/mail.md). -->
  <xsl:variable name="full-max" select="4"/>
  <xsl:variable name="brief-max" select="40"/>

  <!-- A correlation or a change of one: +0.31, -0.05; "n/a" when absent.
       Absent is NaN, the one number not equal to itself: number() of an
       empty, missing or non-numeric value is NaN. (Comparing
       string(number($v)) with 'NaN', as before, formatted every number.) -->
  <xsl:template name="fmt-r">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="not(number($v) = number($v))">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v, '+0.00;-0.00')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A z statistic: +4.1 -->
  <xsl:template name="fmt-z">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="not(number($v) = number($v))">n/a</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v, '+0.0;-0.0')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A p or q value: 0.0470, or "&lt; 0.0001" -->
  <xsl:template name="fmt-p">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="not(number($v) = number($v))">n/a</xsl:when>
      <xsl:when test="number($v) &lt; 0.0001">&lt; 0.0001</xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($v, '0.0000')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 2007-05-08 -> 8 May 2007 -->
  <xsl:template name="fmt-date">
    <xsl:param name="d"/>
    <xsl:variable name="m" select="number(substring($d, 6, 2))"/>
    <xsl:value-of select="number(substring($d, 9, 2))"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="substring('JanFebMarAprMayJunJulAugSepOctNovDec', 3 * $m - 2, 3)"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="substring($d, 1, 4)"/>
  </xsl:template>

  <!-- Window key -> heading: 30d -> 30 days -->
  <xsl:template name="window-name">
    <xsl:param name="key"/>
    <xsl:choose>
      <xsl:when test="$key = '30d'">30-day</xsl:when>
      <xsl:when test="$key = '90d'">90-day</xsl:when>
      <xsl:when test="$key = '1y'">1-year</xsl:when>
      <xsl:when test="$key = '5y'">5-year</xsl:when>
      <xsl:otherwise><xsl:value-of select="$key"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The address of a pair's dated web page (docs/web.md: the archive's
       YYYY/MM/DD/pairs/ID.html), $base being that day's public folder.
       A symbol may hold '^', '=' and ':' (jobs/job.rng), which a URL path
       carries percent-encoded, as the digest PDF's links do. -->
  <xsl:template name="pair-page-url">
    <xsl:param name="base"/>
    <xsl:param name="id"/>
    <xsl:value-of select="concat($base, 'pairs/')"/>
    <xsl:call-template name="url-escape"><xsl:with-param name="s" select="$id"/></xsl:call-template>
    <xsl:text>.html</xsl:text>
  </xsl:template>

  <!-- $s with '^', '=' and ':' percent-encoded. Most symbols hold none
       of them: those are copied at once (one test instead of a call per
       character, a tenth of a digest's transformation). -->
  <xsl:template name="url-escape">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s = ''"/>
      <xsl:when test="not(contains($s, '^') or contains($s, '=') or contains($s, ':'))"><xsl:value-of select="$s"/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="c" select="substring($s, 1, 1)"/>
        <xsl:choose>
          <xsl:when test="$c = '^'">%5E</xsl:when>
          <xsl:when test="$c = '='">%3D</xsl:when>
          <xsl:when test="$c = ':'">%3A</xsl:when>
          <xsl:otherwise><xsl:value-of select="$c"/></xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="url-escape"><xsl:with-param name="s" select="substring($s, 2)"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "Prices to 2 Jan 2001" (with $before and $after around it) when the
       pair $p's prices end before the digest's date; nothing otherwise
       (issue 12: every pair shows its own as-of date where it is older). -->
  <xsl:template name="stale">
    <xsl:param name="p"/>
    <xsl:param name="before" select="''"/>
    <xsl:param name="after" select="''"/>
    <xsl:param name="word" select="'Prices'"/>
    <xsl:if test="$p/@as-of and $p/@as-of != /report/@as-of">
      <xsl:value-of select="concat($before, $word, ' to ')"/>
      <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="$p/@as-of"/></xsl:call-template>
      <xsl:value-of select="$after"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
