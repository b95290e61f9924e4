/* enlarge-cli --from/--shard/--overwrite/--json (src/cli/enlarge-shard.c):
 * shards that together write every output exactly once, reruns that skip
 * what is complete and redo what is not, and the JSON lines. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "enlarge.h"
#include "enlarge-test-utils.h"

#define TEMP_DIR_TEMPLATE "enlarge-shard-test-XXXXXX"
#define FAST_MODEL "realesrgan-x4fast"

typedef struct {
  char *dir;
  char *list;      /* the --from file */
  char *out_dir;
  guint n;
} Batch;

static void
batch_clear (Batch *batch)
{
  if (batch->dir != NULL)
    etu_remove_tree (batch->dir);
  g_clear_pointer (&batch->dir, g_free);
  g_clear_pointer (&batch->list, g_free);
  g_clear_pointer (&batch->out_dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Batch, batch_clear)

/* @n small images of different sizes in DIR/in, listed in DIR/list. */
static void
batch_init (Batch *batch, guint n)
{
  g_autoptr (GString) list = g_string_new (NULL);

  batch->dir = etu_make_temp_dir (TEMP_DIR_TEMPLATE);
  batch->list = g_build_filename (batch->dir, "list", NULL);
  batch->out_dir = g_build_filename (batch->dir, "out", NULL);
  batch->n = n;
  g_autofree char *in_dir = g_build_filename (batch->dir, "in", NULL);
  g_assert_cmpint (g_mkdir (in_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (batch->out_dir, 0755), ==, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeImage) image = enlarge_image_new (8 + i, 6 + i, 3, &error);
      g_assert_no_error (error);
      for (gsize k = 0; k < (gsize) image->width * image->height * 3; k++)
        image->pixels[k] = (guint8) (k * 37 + i * 11);
      g_autofree char *name = g_strdup_printf ("photo-%02u.png", i);
      g_autofree char *path = g_build_filename (in_dir, name, NULL);
      g_assert_true (enlarge_image_save (image, path, NULL, &error));
      g_string_append_printf (list, "%s\n", path);
    }
  etu_write_file (batch->list, list->str, list->len);
}

static char *
batch_output (const Batch *batch, guint i)
{
  g_autofree char *name = g_strdup_printf ("photo-%02u-enlarged-4x.png", i);
  return g_build_filename (batch->out_dir, name, NULL);
}

/* Runs one shard with --json; returns the exit status, the lines in @out. */
static int
run_shard (const Batch *batch, const char *shard, gboolean overwrite, char **out)
{
  g_auto (EtuCliResult) r = { 0 };
  const char *args[] = {
    "-q", "-m", FAST_MODEL, "--device", "auto", "--from", batch->list, "-o", batch->out_dir,
    "--json", "--shard", shard, overwrite ? "--overwrite" : NULL, NULL
  };

  etu_run_cli_argv (&r, batch->dir, args);
  *out = g_steal_pointer (&r.out);
  return r.status;
}

/* How many lines of @out have "event":"@event"; each line must be one
 * JSON object with the fields every line has. */
static guint
count_events (const char *out, const char *event, GHashTable *outputs)
{
  g_autoptr (GRegex) re = g_regex_new ("^\\{\"event\":\"([a-z]+)\",\"shard\":\"[0-9]+/[0-9]+\","
                                       "\"index\":[0-9]+,\"input\":\"[^\"]+\","
                                       "\"output\":\"([^\"]+)\",\"time\":[0-9.]+"
                                       "(,\"seconds\":[0-9.]+)?(,\"(reason|error)\":\"[^\"]*\")?\\}$",
                                       0, 0, NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) match = NULL;
      if (lines[i][0] == '\0')
        continue;
      if (!g_regex_match (re, lines[i], 0, &match))
        g_error ("not a progress line: %s", lines[i]);
      g_autofree char *name = g_match_info_fetch (match, 1);
      if (!g_str_equal (name, event))
        continue;
      n++;
      if (outputs != NULL)
        {
          char *output = g_match_info_fetch (match, 2);
          /* each output exactly once */
          g_assert_false (g_hash_table_contains (outputs, output));
          g_hash_table_add (outputs, output);
        }
    }
  return n;
}

static gint64
mtime_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
}

/* @count shards over @files files write every output exactly once; a rerun
 * of every shard writes nothing and skips them all. */
static void
test_shards_once (guint files, guint count)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (Batch) batch = { 0 };
  batch_init (&batch, files);
  g_autoptr (GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint started = 0;

  for (guint s = 0; s < count; s++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/%u", s, count);
      g_autofree char *out = NULL;
      g_assert_cmpint (run_shard (&batch, shard, FALSE, &out), ==, 0);
      started += count_events (out, "started", NULL);
      count_events (out, "done", done);
      g_assert_cmpuint (count_events (out, "skipped", NULL), ==, 0);
      g_assert_cmpuint (count_events (out, "failed", NULL), ==, 0);
    }
  g_assert_cmpuint (started, ==, files);
  g_assert_cmpuint (g_hash_table_size (done), ==, files);

  gint64 *mtimes = g_newa (gint64, files);
  for (guint i = 0; i < files; i++)
    {
      g_autofree char *output = batch_output (&batch, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (EnlargeImage) image = enlarge_image_load (output, &error);
      g_assert_no_error (error);
      g_assert_cmpint (image->width, ==, 4 * (8 + (int) i));
      g_assert_cmpint (image->height, ==, 4 * (6 + (int) i));
      mtimes[i] = mtime_of (output);
    }

  g_autoptr (GHashTable) skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint s = 0; s < count; s++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/%u", s, count);
      g_autofree char *out = NULL;
      g_assert_cmpint (run_shard (&batch, shard, FALSE, &out), ==, 0);
      g_assert_cmpuint (count_events (out, "started", NULL), ==, 0);
      count_events (out, "skipped", skipped);
    }
  g_assert_cmpuint (g_hash_table_size (skipped), ==, files);
  for (guint i = 0; i < files; i++)
    {
      g_autofree char *output = batch_output (&batch, i);
      g_assert_cmpint (mtime_of (output), ==, mtimes[i]);
    }
}

static void
test_two_shards_five_files (void)
{
  test_shards_once (5, 2);
}

static void
test_three_shards_seven_files (void)
{
  test_shards_once (7, 3);
}

/* An output cut short is not complete: the rerun redoes it, and only it;
 * --overwrite redoes them all. */
static void
test_truncated_redone (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (Batch) batch = { 0 };
  batch_init (&batch, 3);
  g_autofree char *out = NULL;
  g_assert_cmpint (run_shard (&batch, "0/1", FALSE, &out), ==, 0);
  g_assert_cmpuint (count_events (out, "done", NULL), ==, 3);

  g_autofree char *victim = batch_output (&batch, 1);
  g_autoptr (GBytes) bytes = etu_read_file (victim);
  etu_write_file (victim, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2);

  g_autofree char *rerun = NULL;
  g_assert_cmpint (run_shard (&batch, "0/1", FALSE, &rerun), ==, 0);
  g_autoptr (GHashTable) redone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_assert_cmpuint (count_events (rerun, "done", redone), ==, 1);
  g_assert_cmpuint (count_events (rerun, "skipped", NULL), ==, 2);
  g_autofree char *canonical = g_canonicalize_filename (victim, NULL);
  g_assert_true (g_hash_table_contains (redone, canonical));
  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_load (victim, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->width, ==, 36);

  g_autofree char *again = NULL;
  g_assert_cmpint (run_shard (&batch, "0/1", TRUE, &again), ==, 0);
  g_assert_cmpuint (count_events (again, "done", NULL), ==, 3);
  g_assert_cmpuint (count_events (again, "skipped", NULL), ==, 0);
}

/* A file that fails: a "failed" line with the error, the others written,
 * exit status 1. */
static void
test_failed_line (void)
{
  if (!etu_require_model (FAST_MODEL))
    return;

  g_auto (Batch) batch = { 0 };
  batch_init (&batch, 2);
  g_autofree char *bad = g_build_filename (batch.dir, "in", "broken.png", NULL);
  etu_write_file (bad, "not a png", 9);
  g_autofree char *list = g_strdup_printf ("%s/in/photo-00.png\n%s\n\n%s/in/photo-01.png\n",
                                           batch.dir, bad, batch.dir);
  etu_write_file (batch.list, list, strlen (list));

  g_autofree char *out = NULL;
  g_assert_cmpint (run_shard (&batch, "0/1", FALSE, &out), ==, 1);
  g_assert_cmpuint (count_events (out, "done", NULL), ==, 2);
  g_assert_cmpuint (count_events (out, "failed", NULL), ==, 1);
  g_assert_nonnull (strstr (out, "broken.png"));
  g_assert_nonnull (strstr (out, "\"error\":"));
}

/* Bad I/N, and outputs that collide between two shards: refused by every
 * shard (status 2) before anything is written. */
static void
test_usage (void)
{
  g_auto (Batch) batch = { 0 };
  batch_init (&batch, 2);
  const char *bad[] = { "2/2", "1/0", "-1/2", "1", "a/b", "1/2/3", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *out = NULL;
      g_assert_cmpint (run_shard (&batch, bad[i], FALSE, &out), ==, 2);
    }

  /* a/x.png and b/x.png both → out/x-enlarged-4x.png */
  g_autofree char *a = g_build_filename (batch.dir, "a", NULL);
  g_autofree char *b = g_build_filename (batch.dir, "b", NULL);
  g_assert_cmpint (g_mkdir (a, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (b, 0755), ==, 0);
  g_autofree char *src = g_build_filename (batch.dir, "in", "photo-00.png", NULL);
  g_autoptr (GBytes) bytes = etu_read_file (src);
  g_autofree char *ax = g_build_filename (a, "x.png", NULL);
  g_autofree char *bx = g_build_filename (b, "x.png", NULL);
  etu_write_file (ax, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  etu_write_file (bx, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *list = g_strdup_printf ("%s\n%s\n", ax, bx);
  etu_write_file (batch.list, list, strlen (list));
  for (guint s = 0; s < 2; s++)
    {
      g_auto (EtuCliResult) r = { 0 };
      g_autofree char *shard = g_strdup_printf ("%u/2", s);
      etu_run_cli (&r, batch.dir, "-m", FAST_MODEL, "--from", batch.list, "-o", batch.out_dir,
                   "--shard", shard, NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "would both be written"));
    }
  g_autoptr (GDir) dir = g_dir_open (batch.out_dir, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

/* --dry-run lists the shard's files and what a run would skip; positional
 * inputs come before the --from list. */
static void
test_dry_run (void)
{
  g_auto (Batch) batch = { 0 };
  batch_init (&batch, 4);
  g_autofree char *first = g_build_filename (batch.dir, "in", "extra.png", NULL);
  g_autofree char *done = batch_output (&batch, 1);
  g_autofree char *src = g_build_filename (batch.dir, "in", "photo-01.png", NULL);
  g_autoptr (GBytes) bytes = etu_read_file (src);
  etu_write_file (done, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  etu_write_file (first, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto (EtuCliResult) r = { 0 };

  /* the list: extra (positional), photo-00 … photo-03; shard 1/2 gets
   * numbers 1 and 3: photo-00 and photo-02 */
  etu_run_cli (&r, batch.dir, "-m", FAST_MODEL, "--dry-run", "--shard", "1/2", "--from",
               batch.list, "-o", batch.out_dir, first, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_nonnull (strstr (lines[0], "photo-00.png → "));
  g_assert_nonnull (strstr (lines[1], "photo-02.png → "));
  g_assert_cmpstr (lines[2], ==, "");

  g_auto (EtuCliResult) r2 = { 0 };
  etu_run_cli (&r2, batch.dir, "-m", FAST_MODEL, "--dry-run", "--shard", "0/2", "--from",
               batch.list, "-o", batch.out_dir, first, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_nonnull (strstr (r2.out, "photo-01-enlarged-4x.png: exists and is complete"));
  g_autoptr (GDir) dir = g_dir_open (batch.out_dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "photo-01-enlarged-4x.png");
  g_assert_null (g_dir_read_name (dir));
}

/* --from - reads the list from standard input, with Windows line ends. */
static void
test_from_stdin (void)
{
  g_auto (Batch) batch = { 0 };
  batch_init (&batch, 2);
  g_autofree char *quoted_cli = g_shell_quote (etu_get_cli_path ());
  g_autofree char *quoted_out = g_shell_quote (batch.out_dir);
  g_autofree char *script = g_strdup_printf ("printf 'in/photo-01.png\\r\\nin/photo-00.png\\r\\n' | "
                                             "%s -m " FAST_MODEL " --dry-run --from - -o %s",
                                             quoted_cli, quoted_out);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_assert_true (g_spawn_sync (batch.dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &wait_status, &error));
  g_assert_no_error (error);
  g_test_message ("stdout:\n%s\nstderr:\n%s", out, err);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  g_assert_nonnull (strstr (out, "in/photo-01.png → "));
  g_assert_nonnull (strstr (out, "in/photo-00.png → "));
  g_assert_true (strstr (out, "photo-01") < strstr (out, "photo-00"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shard/two-of-five", test_two_shards_five_files);
  g_test_add_func ("/shard/three-of-seven", test_three_shards_seven_files);
  g_test_add_func ("/shard/truncated-redone", test_truncated_redone);
  g_test_add_func ("/shard/failed-line", test_failed_line);
  g_test_add_func ("/shard/usage", test_usage);
  g_test_add_func ("/shard/dry-run", test_dry_run);
  g_test_add_func ("/shard/from-stdin", test_from_stdin);

  return g_test_run ();
}
