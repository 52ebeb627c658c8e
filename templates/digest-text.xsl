<?xml version="1.0" encoding="UTF-8"?>
<!-- digest-text.xsl - the plain-text part of the daily digest, from
     report.xml. Same parameters as digest-html.xsl, same figures.
     Preview: xsltproc -stringparam name Ada templates/digest-text.xsl OUT/DATE/report.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="digest-common.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:param name="name" select="''"/>
  <xsl:param name="title" select="/report/@title"/>  <!-- the digest title (<digest title>), default the job's -->
  <xsl:param name="email" select="''"/>
  <xsl:param name="pairs" select="''"/>
  <xsl:param name="unsubscribe-url" select="''"/>
  <xsl:param name="web-url" select="''"/>
  <xsl:param name="pdf-base" select="''"/>
  <xsl:param name="cid-domain" select="''"/>
  <xsl:param name="edition" select="'mail'"/>
  <!-- Sections made once and copied into many messages, as in
       digest-html.xsl: shifts and tail once per send, own once per list
       of pairs that several subscribers share. -->
  <xsl:param name="only" select="''"/>            <!-- shifts, own or tail -->
  <xsl:param name="premade" select="''"/>
  <xsl:param name="premade-shifts" select="''"/>
  <xsl:param name="premade-own" select="''"/>
  <xsl:param name="premade-tail" select="''"/>

  <xsl:variable name="r" select="/report"/>
  <xsl:variable name="nl" select="'&#10;'"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$only != ''"><xsl:call-template name="section"><xsl:with-param name="name" select="$only"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:call-template name="message"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A shared section: the premade text, or made here. -->
  <xsl:template name="shared">
    <xsl:param name="name"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($premade, concat('|', $name, '|'))"><xsl:value-of select="$text"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="section"><xsl:with-param name="name" select="$name"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="section">
    <xsl:param name="name"/>
    <xsl:choose>
      <xsl:when test="$name = 'shifts'"><xsl:call-template name="shifts"/></xsl:when>
      <xsl:when test="$name = 'own'"><xsl:call-template name="own-pairs"/></xsl:when>
      <xsl:when test="$name = 'tail'"><xsl:call-template name="tail"/></xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="message">
    <xsl:value-of select="$title"/>
    <xsl:text> - correlation digest&#10;Data as of </xsl:text>
    <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="$r/@as-of"/></xsl:call-template>
    <xsl:text>&#10;</xsl:text>
    <xsl:if test="$web-url != ''">
      <xsl:value-of select="concat('Web edition: ', $web-url, $nl)"/>
    </xsl:if>
    <xsl:text>&#10;Hello</xsl:text>
    <xsl:if test="$name != ''"><xsl:value-of select="concat(' ', $name)"/></xsl:if>
    <xsl:text>,&#10;&#10;</xsl:text>
    <xsl:call-template name="shared"><xsl:with-param name="name" select="'shifts'"/><xsl:with-param name="text" select="$premade-shifts"/></xsl:call-template>
    <xsl:text>YOUR PAIRS&#10;==========&#10;</xsl:text>
    <xsl:call-template name="shared"><xsl:with-param name="name" select="'own'"/><xsl:with-param name="text" select="$premade-own"/></xsl:call-template>
    <xsl:call-template name="shared"><xsl:with-param name="name" select="'tail'"/><xsl:with-param name="text" select="$premade-tail"/></xsl:call-template>
    <xsl:text>&#10;&#10;-- &#10;You receive this digest because </xsl:text>
    <xsl:value-of select="$email"/>
    <xsl:text> subscribed to </xsl:text><xsl:value-of select="$title"/><xsl:text>.&#10;</xsl:text>
    <xsl:if test="$unsubscribe-url != ''">
      <xsl:value-of select="concat('Unsubscribe: ', $unsubscribe-url, $nl)"/>
    </xsl:if>
  </xsl:template>

  <!-- The day's largest shifts, the same in every message. -->
  <xsl:template name="shifts">
    <xsl:text>TODAY'S BIGGEST REGIME SHIFTS&#10;=============================&#10;</xsl:text>
    <xsl:variable name="top" select="$r/ranking/shift[position() &lt;= number($r/ranking/@top)]"/>
    <xsl:if test="not($top)">No pair had enough history for a shift test today.&#10;</xsl:if>
    <xsl:apply-templates select="$top" mode="text"/>
    <xsl:text>(q: significance after correcting for the </xsl:text>
    <xsl:value-of select="$r/ranking/@tests"/>
    <xsl:text> pairs tested, Benjamini-Hochberg at 5%)&#10;&#10;</xsl:text>
  </xsl:template>

  <!-- The subscriber's own pairs: the same for every subscriber of the
       same list. -->
  <xsl:template name="own-pairs">
    <xsl:variable name="mine" select="$r/pairs/pair[$pairs = '' or contains($pairs, concat('|', @id, '|'))]"/>
    <xsl:if test="not($mine)">None of your pairs could be computed today.&#10;</xsl:if>
    <!-- As the HTML: by rank, $full-max in full, $brief-max one line each. -->
    <xsl:for-each select="$mine">
      <xsl:sort select="@rank" data-type="number"/>
      <xsl:choose>
        <xsl:when test="position() &lt;= $full-max"><xsl:apply-templates select="." mode="text"/></xsl:when>
        <xsl:when test="position() &lt;= $full-max + $brief-max">
          <xsl:if test="position() = $full-max + 1">
            <xsl:value-of select="concat($nl, 'In brief (90 days, 1 year, shift):', $nl)"/>
          </xsl:if>
          <xsl:apply-templates select="." mode="brief"/>
        </xsl:when>
      </xsl:choose>
    </xsl:for-each>
    <xsl:if test="count($mine) &gt; $full-max + $brief-max">
      <xsl:value-of select="concat($nl, count($mine) - $full-max - $brief-max, ' more of your pairs, lower in the ranking, are not listed here')"/>
      <xsl:choose>
        <xsl:when test="$web-url != ''"><xsl:value-of select="concat('; every pair is in the web edition: ', $web-url, $nl)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="concat('.', $nl)"/></xsl:otherwise>
      </xsl:choose>
    </xsl:if>
  </xsl:template>

  <!-- What was not computed, data quality, methodology, disclaimer: the
       same in every message. -->
  <xsl:template name="tail">
    <xsl:if test="$r/skipped/pair">
      <xsl:text>&#10;NOT COMPUTED TODAY&#10;</xsl:text>
      <xsl:for-each select="$r/skipped/pair">
        <xsl:value-of select="concat(@a, '/', @b, ': ', @reason, '.', $nl)"/>
      </xsl:for-each>
    </xsl:if>
    <xsl:if test="$r/assets/asset[@data-quality]">
      <xsl:text>&#10;DATA QUALITY&#10;</xsl:text>
      <xsl:for-each select="$r/assets/asset[@data-quality]">
        <xsl:value-of select="concat(@symbol, ': ', @data-quality, '.', $nl)"/>
      </xsl:for-each>
    </xsl:if>
    <xsl:text>&#10;METHODOLOGY&#10;</xsl:text>
    <xsl:value-of select="normalize-space($r/methodology)"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:value-of select="normalize-space($r/disclaimer)"/>
  </xsl:template>

  <xsl:template match="shift" mode="text">
    <xsl:value-of select="concat(@rank, '. ', @a, '/', @b)"/>
    <xsl:if test="@significant = 'true'"> [significant]</xsl:if>
    <xsl:text>&#10;   90-day </xsl:text>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@r90"/></xsl:call-template>
    <xsl:text>  5-year </xsl:text>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="$r/pairs/pair[@id = current()/@pair]/window[@key = '5y']/@r"/></xsl:call-template>
    <xsl:text>  change vs 5-year </xsl:text>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@delta"/></xsl:call-template>
    <xsl:text>  baseline </xsl:text>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@baseline"/></xsl:call-template>
    <xsl:text>  z </xsl:text>
    <xsl:call-template name="fmt-z"><xsl:with-param name="v" select="@z"/></xsl:call-template>
    <xsl:text>  q </xsl:text>
    <xsl:call-template name="fmt-p"><xsl:with-param name="v" select="@q"/></xsl:call-template>
    <xsl:choose>
      <xsl:when test="@regime = 'stable'"><xsl:value-of select="concat($nl, '   The correlation is stable.')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="concat($nl, '   The correlation has ', @regime, '.')"/></xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="stale"><xsl:with-param name="p" select="$r/pairs/pair[@id = current()/@pair]"/><xsl:with-param name="before" select="' '"/><xsl:with-param name="after" select="'.'"/></xsl:call-template>
    <xsl:value-of select="concat($nl, $nl)"/>
  </xsl:template>

  <!-- A pair beyond the first $full-max: one line, as the HTML's row. -->
  <xsl:template match="pair" mode="brief">
    <xsl:value-of select="concat('   ', substring(concat(@a, '/', @b, '            '), 1, 12))"/>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="window[@key = '90d']/@r"/></xsl:call-template>
    <xsl:text>  </xsl:text>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="window[@key = '1y']/@r"/></xsl:call-template>
    <xsl:text>  </xsl:text>
    <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="shift/@delta"/></xsl:call-template>
    <xsl:if test="@as-of != $r/@as-of"><xsl:value-of select="concat('  (data to ', @as-of, ')')"/></xsl:if>
    <xsl:value-of select="$nl"/>
  </xsl:template>

  <xsl:template match="pair" mode="text">
    <xsl:value-of select="concat($nl, @a-name, ' / ', @b-name, ' (', @a, '/', @b, ')', $nl)"/>
    <xsl:call-template name="stale"><xsl:with-param name="p" select="."/><xsl:with-param name="before" select="'   '"/><xsl:with-param name="after" select="concat(': every figure below is as of that day.', $nl)"/></xsl:call-template>
    <xsl:for-each select="window">
      <xsl:text>   </xsl:text>
      <xsl:value-of select="substring(concat(@key, '     '), 1, 5)"/>
      <xsl:call-template name="fmt-r"><xsl:with-param name="v" select="@r"/></xsl:call-template>
      <xsl:text>  </xsl:text>
      <xsl:choose><xsl:when test="@label"><xsl:value-of select="@label"/></xsl:when><xsl:otherwise>not enough data</xsl:otherwise></xsl:choose>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
    <xsl:value-of select="concat('   ', normalize-space(meaning), $nl, '   ', normalize-space(shift-text), $nl)"/>
    <xsl:if test="$pdf-base != ''">
      <xsl:text>   Deep dive: </xsl:text>
      <xsl:call-template name="pair-page-url"><xsl:with-param name="base" select="$pdf-base"/><xsl:with-param name="id" select="@id"/></xsl:call-template>
      <xsl:value-of select="$nl"/>
      <xsl:if test="@pdf">
        <xsl:value-of select="concat('   PDF: ', $pdf-base, substring-after(@pdf, 'pdf/'), $nl)"/>
      </xsl:if>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
