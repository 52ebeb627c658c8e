<?xml version="1.0" encoding="UTF-8"?>
<!-- web-index.xsl - the archive's front page (ARCHIVE/index.html), from the
     list convex builds of every published day:
       <archive title=".."><day date="2007-05-08" href="2007/05/08/index.html"
         headline=".."/>...</archive>   (newest first) -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="web-common.xsl"/>

  <xsl:template match="/archive">
    <xsl:call-template name="doctype"/>
    <html lang="en">
      <xsl:call-template name="head">
        <xsl:with-param name="title" select="concat(@title, ': archive')"/>
        <xsl:with-param name="description" select="concat('Every daily edition of ', @title, ', newest first.')"/>
      </xsl:call-template>
      <body>
        <header class="band"><p><a href="index.html">Convex</a><xsl:text> </xsl:text><span>· Correlation digest archive</span></p></header>
        <main>
          <h1><xsl:value-of select="@title"/></h1>
          <p class="lead">
            <xsl:call-template name="plural"><xsl:with-param name="n" select="count(day)"/><xsl:with-param name="one" select="'edition'"/></xsl:call-template>
            <xsl:text>, newest first. </xsl:text>
            <a href="matrix/index.html">Latest correlation matrix</a> · <a href="feed.xml">Atom feed</a>
          </p>
          <xsl:call-template name="signup"/>
          <ul class="links">
            <xsl:for-each select="day">
              <li>
                <a href="{@href}"><strong><xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@date"/></xsl:call-template></strong></a>
                <xsl:if test="@headline != ''"><br/><span class="note"><xsl:value-of select="@headline"/></span></xsl:if>
              </li>
            </xsl:for-each>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
