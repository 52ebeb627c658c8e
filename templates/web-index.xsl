<?xml version="1.0" encoding="UTF-8"?>
<!-- web-index.xsl - the archive's front page (ARCHIVE/index.html), from the
     list convex builds of every published day:
       <archive title=".."><day date="2007-05-08" href="2007/05/08/index.html"
         headline=".."/>...</archive>   (newest first) -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="digest-common.xsl"/>
  <xsl:output method="html" encoding="UTF-8" indent="no"/>
  <xsl:variable name="font" select="&quot;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;&quot;"/>

  <xsl:template match="/archive">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title><xsl:value-of select="@title"/> - archive</title>
        <link rel="alternate" type="application/atom+xml" href="feed.xml" title="{@title}"/>
      </head>
      <body style="margin:0;padding:24px 8px;background-color:#eef1f5;">
        <table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;">
          <tr><td bgcolor="#17324d" style="background-color:#17324d;padding:24px 32px;{$font}color:#ffffff;">
            <div style="font-size:12px;letter-spacing:2px;text-transform:uppercase;color:#9fb6cf;">Correlation digest archive</div>
            <div style="font-size:24px;font-weight:bold;padding-top:6px;"><xsl:value-of select="@title"/></div>
            <div style="font-size:13px;color:#d5e1ee;padding-top:6px;"><xsl:value-of select="count(day)"/> editions · <a href="feed.xml" style="color:#d5e1ee;">Atom feed</a></div>
          </td></tr>
          <xsl:for-each select="day">
            <tr><td style="padding:14px 32px;border-bottom:1px solid #e3e8ee;{$font}">
              <a href="{@href}" style="font-size:16px;font-weight:bold;color:#17324d;">
                <xsl:call-template name="fmt-date"><xsl:with-param name="d" select="@date"/></xsl:call-template>
              </a>
              <div style="font-size:13px;color:#5b6776;padding-top:4px;"><xsl:value-of select="@headline"/></div>
            </td></tr>
          </xsl:for-each>
        </table>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
