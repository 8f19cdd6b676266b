/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rules for the text of every field, in one place for every route:
 * what reaches the database, the boards, the wall and the exported
 * documents is text a person can read and that looks like what it is.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-field.h"

/* C0, DEL and C1: terminals, logs and CSV exports act on them. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Embeddings, overrides and isolates reorder the text around them: a call
 * sign could be shown as another one. */
static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* LRM, RLM and ALM only nudge neutral characters, which free text in a
 * right-to-left script may need; in a name they are invisible, so two
 * names that look the same could differ. */
static gboolean
is_bidi_mark (gunichar c)
{
  return c == 0x200e || c == 0x200f || c == 0x061c;
}

/**
 * dozor_field_check_text:
 * @kind: what the field holds
 * @text: its value
 *
 * Names refuse every control character and every bidi control, marks
 * included. Free text keeps line breaks and tabs (LF, CR, TAB) and the bidi
 * marks, and refuses every other control character and the embeddings,
 * overrides and isolates. Both refuse NUL, which cannot be in @text.
 *
 * Returns: (nullable): %NULL when @text may be stored, or why not, to
 *   follow the field's name
 */
const char *
dozor_field_check_text (DozorFieldKind  kind,
                        const char     *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return _("is not UTF-8 text");

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_control (c) && !(kind == DOZOR_FIELD_TEXT && (c == '\n' || c == '\r' || c == '\t')))
        return _("must not hold control characters");
      if (is_bidi_control (c) || (kind == DOZOR_FIELD_NAME && is_bidi_mark (c)))
        return _("must not hold characters that change the direction of text");
    }

  return NULL;
}

/**
 * dozor_field_check_stream_url:
 * @text: a camera's stream URL
 *
 * Every board, the wall included, sees a camera's URL: a password in it
 * would be shown to all of them. Only the schemes video players take, and
 * nothing a URL does not hold (spaces, line breaks) that could be used to
 * smuggle a header into whatever fetches it.
 *
 * Returns: (nullable): %NULL when @text may be stored, or why not
 */
const char *
dozor_field_check_stream_url (const char *text)
{
  static const char *const schemes[] = { "rtsp", "rtsps", "http", "https", NULL };
  g_autoptr(GUri) uri = NULL;

  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return _("must be an rtsp, rtsps, http or https URL");

  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || !g_strv_contains (schemes, g_uri_get_scheme (uri)) || g_uri_get_host (uri) == NULL ||
      *g_uri_get_host (uri) == '\0')
    return _("must be an rtsp, rtsps, http or https URL");
  if (g_uri_get_userinfo (uri) != NULL)
    return _("must not hold a user or password: every board sees it");
  return NULL;
}

/**
 * dozor_field_check_fix_time:
 * @time: when a tracker says it took a fix
 * @now: the server's clock
 *
 * Returns: (nullable): %NULL when a fix of that time may be taken, or why
 *   not
 */
const char *
dozor_field_check_fix_time (GDateTime *time,
                            GDateTime *now)
{
  if (g_date_time_difference (time, now) > (GTimeSpan) DOZOR_FIELD_MAX_FIX_AHEAD_SECONDS * G_TIME_SPAN_SECOND)
    return _("lies more than 5 minutes ahead of the server's clock");
  return NULL;
}

/* A number of Kazakhstan is +7 and 10 digits, dialled as +7… or 8…: the
 * last 10 digits are the number whichever prefix was typed. */
#define PHONE_KEY_DIGITS 10

/**
 * dozor_field_phone_key:
 * @phone: (nullable): a phone number as an operator or caller wrote it
 *
 * The number two spellings of one phone share (docs/api.md, "Repeated
 * calls"): its last 10 digits, everything else dropped.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL when @phone holds
 *   fewer than 10 digits (a short or half-typed number matches nothing)
 */
char *
dozor_field_phone_key (const char *phone)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  if (phone == NULL)
    return NULL;
  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len < PHONE_KEY_DIGITS)
    return NULL;
  return g_strdup (digits->str + digits->len - PHONE_KEY_DIGITS);
}
