/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pages dozord feeds stream clients that are behind from
 * (server/dozor-stream-pages.c), against a real store: one read of a page
 * for every client in it, wherever in it each starts; only a position that
 * a later position of its unit in the page supersedes is coalesced, the
 * rest as stored; the page at the head read again once the head moves on;
 * a page whose start was pruned read from the client's own seq.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dozor-stream-pages.h"
#include "test-json.h"

typedef struct
{
  char *dir;
  DozorStore *store;
  GPtrArray *units; /* ids */
  guint fixes;
} Fixture;

static const char *
type_of (JsonNode *event)
{
  return json_object_get_string_member (json_node_get_object (event), "type");
}

static void
commit (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = dozor_store_commit (fixture->store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (events);
}

static void
add_unit (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strdup_printf ("{\"call_sign\":\"Page-%u\",\"kind\":\"car\"}", fixture->units->len);
  g_autoptr(JsonNode) object = parse_json (input);
  g_autoptr(JsonNode) unit = NULL;

  g_assert_true (dozor_store_begin (fixture->store, &error));
  unit = dozor_store_create_unit (fixture->store, json_node_get_object (object), &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->units, g_strdup (json_object_get_string_member (json_node_get_object (unit), "id")));
  commit (fixture);
}

/* @count fixes, each unit in turn, each newer than every one before: one
 * unit.position event each. */
static void
add_fixes (Fixture *fixture,
           guint    count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 11, 22, 8, 0, 0);
  g_autoptr(JsonArray) positions = json_array_new ();

  for (guint n = 0; n < count; n++)
    {
      guint i = fixture->fixes++;
      g_autoptr(GDateTime) time = g_date_time_add_seconds (start, i * 0.01);
      g_autofree char *text = g_date_time_format_iso8601 (time);
      JsonObject *fix = json_object_new ();

      json_object_set_string_member (fix, "unit_id", fixture->units->pdata[i % fixture->units->len]);
      json_object_set_double_member (fix, "lat", 43.0 + i * 1e-6);
      json_object_set_double_member (fix, "lon", 76.9);
      json_object_set_string_member (fix, "time", text);
      json_array_add_object_element (positions, fix);
    }
  g_assert_true (dozor_store_begin (fixture->store, &error));
  g_assert_cmpuint (dozor_store_add_positions (fixture->store, positions, &error), ==, count);
  g_assert_no_error (error);
  commit (fixture);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("dozor-pages-XXXXXX", NULL);
  path = g_build_filename (fixture->dir, "store.sqlite", NULL);
  fixture->store = dozor_store_open (path, &error);
  g_assert_no_error (error);
  fixture->units = g_ptr_array_new_with_free_func (g_free);
  fixture->fixes = 0;

  /* Seqs 1–3 the first units; then fixes, with a unit created among
   * them now and then: events that are not positions, across pages. */
  for (guint i = 0; i < 3; i++)
    add_unit (fixture);
  for (guint round = 0; round < 5; round++)
    {
      add_fixes (fixture, 600);
      add_unit (fixture);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->units, g_ptr_array_unref);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* The page against the store's own events of its seqs: every event
 * that is not a position as stored; a position as stored if it is its
 * unit's newest in the page, else `coalesced` with its seq. The frames
 * hold the same events, in order. */
static void
assert_page (Fixture               *fixture,
             const DozorStreamPage *page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = dozor_store_events_since (fixture->store, page->first_seq - 1, page->count, &error);
  g_autoptr(GHashTable) newer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) joined = g_string_new ("[");
  guint coalesced = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, page->count);
  for (guint i = page->count; i-- > 0;)
    {
      g_autoptr(JsonNode) original = parse_json (stored->pdata[i]);
      g_autoptr(JsonNode) sent = parse_json (page->events->pdata[i]);
      JsonObject *object = json_node_get_object (original);

      g_assert_cmpint (json_object_get_int_member (json_node_get_object (sent), "seq"), ==, page->first_seq + i);
      if (g_str_equal (type_of (original), "unit.position"))
        {
          const char *unit = json_object_get_string_member (json_object_get_object_member (object, "unit"), "id");

          if (g_hash_table_contains (newer, unit))
            {
              g_assert_cmpstr (type_of (sent), ==, "coalesced");
              coalesced++;
              continue;
            }
          g_hash_table_add (newer, g_strdup (unit));
        }
      g_assert_cmpstr (page->events->pdata[i], ==, stored->pdata[i]);
    }
  g_assert_cmpuint (coalesced, >, 0);

  for (guint f = 0; f < page->frames->len; f++)
    {
      const DozorStreamFrame *frame = page->frames->pdata[f];

      g_assert_cmpuint (frame->length, ==, strlen (frame->text));
      /* Arrays, one object alone: as a client reads them. */
      if (frame->count == 1)
        g_string_append_printf (joined, "%s%s", joined->len > 1 ? "," : "", frame->text);
      else
        g_string_append_printf (joined, "%s%.*s", joined->len > 1 ? "," : "", (int) frame->length - 2,
                                frame->text + 1);
    }
  g_string_append_c (joined, ']');
  {
    g_autoptr(JsonNode) all = parse_json (joined->str);
    JsonArray *array = json_node_get_array (all);

    g_assert_cmpuint (json_array_get_length (array), ==, page->count);
    for (guint i = 0; i < page->count; i++)
      {
        g_autoptr(JsonNode) sent = parse_json (page->events->pdata[i]);

        g_assert_true (json_node_equal (json_array_get_element (array, i), sent));
      }
  }
}

static void
test_shared (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(DozorStreamPages) pages = dozor_stream_pages_new (fixture->store);
  gint64 head = dozor_store_get_seq (fixture->store);
  g_autoptr(DozorStreamPage) first = NULL;
  g_autoptr(DozorStreamPage) middle = NULL;
  g_autoptr(DozorStreamPage) last = NULL;

  g_assert_cmpint (head, ==, 3 + 5 * 601);
  first = dozor_stream_pages_get (pages, 0, head);
  g_assert_nonnull (first);
  g_assert_cmpint (first->first_seq, ==, 1);
  g_assert_cmpuint (first->count, ==, DOZOR_STREAM_PAGE_EVENTS);
  assert_page (fixture, first);

  /* A client behind by less, in the same page: the same page, not read
   * again. */
  middle = dozor_stream_pages_get (pages, 700, head);
  g_assert_true (middle == first);
  g_assert_cmpuint (dozor_stream_pages_get_reads (pages), ==, 1);

  /* The page at the head ends there. */
  last = dozor_stream_pages_get (pages, 2100, head);
  g_assert_cmpint (last->first_seq, ==, 2049);
  g_assert_cmpint (last->first_seq + last->count - 1, ==, head);
  assert_page (fixture, last);
  g_assert_cmpuint (dozor_stream_pages_get_reads (pages), ==, 2);
  g_assert_null (dozor_stream_pages_get (pages, head, head));

  /* Once the head has moved on (past the page's end), a client at the
   * old head gets the page made again with what came after it, read
   * once: its positions now coalesced against the newer ones. */
  add_fixes (fixture, 100);
  {
    gint64 moved = dozor_store_get_seq (fixture->store);
    g_autoptr(DozorStreamPage) again = dozor_stream_pages_get (pages, head, moved);

    g_assert_cmpuint (dozor_stream_pages_get_reads (pages), ==, 3);
    g_assert_cmpint (again->first_seq, ==, 2049);
    g_assert_cmpint (moved, >, 3072);
    g_assert_cmpuint (again->count, ==, DOZOR_STREAM_PAGE_EVENTS);
    assert_page (fixture, again);
  }

  /* No client behind is before seq 1024 any more: the first page goes,
   * and is read again if one comes. */
  dozor_stream_pages_trim (pages, 1024);
  g_clear_pointer (&middle, dozor_stream_page_unref);
  middle = dozor_stream_pages_get (pages, 10, head);
  g_assert_cmpuint (dozor_stream_pages_get_reads (pages), ==, 4);
  g_assert_true (middle != first);
  g_assert_cmpuint (middle->count, ==, DOZOR_STREAM_PAGE_EVENTS);
}

/* The events table pruned into a page (--retain-events): a client whose
 * next event is still there gets the rest from its own seq. */
static void
test_pruned_start (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(DozorStreamPages) pages = dozor_stream_pages_new (fixture->store);
  gint64 head = dozor_store_get_seq (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreamPage) page = NULL;

  /* Keeps seqs 1101 on. */
  dozor_store_prune_events (fixture->store, head - 1100, &error);
  g_assert_no_error (error);
  page = dozor_stream_pages_get (pages, 1200, head);
  g_assert_nonnull (page);
  g_assert_cmpint (page->first_seq, ==, 1201);
  g_assert_cmpint (page->first_seq + page->count - 1, ==, 2048);
  assert_page (fixture, page);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/stream-pages/shared", Fixture, NULL, fixture_setup, test_shared, fixture_teardown);
  g_test_add ("/stream-pages/pruned-start", Fixture, NULL, fixture_setup, test_pruned_start, fixture_teardown);
  return g_test_run ();
}
