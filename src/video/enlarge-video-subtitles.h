/* Subtitles for enlarge-cli's videos (enlarge-video.c): demuxers hand out
 * UTF-8 text subtitles as Pango markup, which muxers do not take. */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Turns the text/x-raw, format=pango-markup stream leaving @pad into
 * text/x-raw, format=utf8: the caps rewritten, the entities &amp; &lt;
 * &gt; &quot; &apos; unescaped, tags such as <i> kept (SRT and Matroska's
 * S_TEXT/UTF8 use them as well). */
void enlarge_video_subtitles_as_utf8 (GstPad *pad);

G_END_DECLS
