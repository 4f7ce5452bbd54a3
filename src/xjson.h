/*
 * xjson.h: building JSON from text that comes from outside (titles, paths,
 * file names, errors, log lines) without losing a whole reply to one bad
 * byte. jansson's json_pack refuses a string that is not UTF-8 (a title cut
 * in the middle of a character, a Latin-1 file name) and returns NULL, and
 * an array or object given NULL silently drops the element: a channel
 * vanished from /api/status and the console that way. xjson_pack takes the
 * same formats and never fails on text.
 */
#ifndef RV_XJSON_H
#define RV_XJSON_H

#include <jansson.h>

/*
 * json_pack for the formats "{ } [ ] : ," and s, s?, n, b, i, I, f, o, O,
 * o?, O?. A string that is not UTF-8 is packed with its bad bytes as '?',
 * a NULL string or object as null. NULL only for a malformed format (a
 * bug, logged with where it is). The caller owns the reference.
 */
json_t *xjson_pack(const char *fmt, ...);
/* A JSON string of s (bad bytes as '?'), or null for NULL; the caller's reference. */
json_t *xjson_str(const char *s);

#endif
