<?xml version="1.0" encoding="UTF-8"?>
<!-- web-style.xsl - ARCHIVE/style.css, the style sheet of every page (the
     css template of web-common.xsl), one file the browser caches. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="web-common.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/">
    <xsl:call-template name="css"/>
  </xsl:template>
</xsl:stylesheet>
