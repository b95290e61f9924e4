/* enlarge-cli --from/--shard/--overwrite/--json; see enlarge-shard.h. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n.h>

#include "enlarge.h"
#include "enlarge-cli-common.h"
#include "enlarge-shard.h"

int
enlarge_shard_add_inputs (const char *from, GStrv *inputs)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_str_equal (from, "-"))
    {
      g_autoptr (GString) text = g_string_new (NULL);
      char buffer[65536];
      size_t n;
      while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
        g_string_append_len (text, buffer, n);
      if (ferror (stdin))
        return usage_error (_("--from -: cannot read standard input: %s"), g_strerror (errno));
      length = text->len;
      contents = g_string_free (g_steal_pointer (&text), FALSE);
    }
  else if (!g_file_get_contents (from, &contents, &length, &error))
    return usage_error (_("--from: %s"), error->message);

  if (contents != NULL && memchr (contents, '\0', length) != NULL)
    return usage_error (_("--from %s: the list has a NUL byte; give one path per line"), from);

  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  if (*inputs != NULL)
    g_strv_builder_addv (builder, (const char **) *inputs);
  if (contents != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          gsize len = strlen (lines[i]);
          if (len > 0 && lines[i][len - 1] == '\r')
            lines[i][len - 1] = '\0';   /* a list written on Windows */
          if (lines[i][0] != '\0')
            g_strv_builder_add (builder, lines[i]);
        }
    }
  g_strfreev (*inputs);
  *inputs = g_strv_builder_end (builder);
  return EXIT_OK;
}

/* "I/N" with 0 ≤ I < N. */
static gboolean
parse_shard (const char *text, guint64 *index, guint64 *count)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", -1);

  return g_strv_length (parts) == 2 &&
         g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT32, count, NULL) &&
         g_ascii_string_to_unsigned (parts[0], 10, 0, *count - 1, index, NULL);
}

/* The job of one input, as enlarge-cli plans it; NULL (the message
 * printed) on bad usage. */
static Job *
plan_one (const Options *options, const char *input)
{
  Options one = *options;
  char *inputs[] = { (char *) input, NULL };
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);

  one.inputs = inputs;
  if (plan_jobs (&one, options->scale, jobs) != EXIT_OK)
    return NULL;
  return g_ptr_array_steal_index (jobs, 0);
}

static guint64
hash_path (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  guint64 hash = 14695981039346656037ull;   /* FNV-1a */

  for (const char *p = canonical; *p; p++)
    hash = (hash ^ (guchar) *p) * 1099511628211ull;
  return hash;
}

static gboolean
same_path (const char *a, const char *b)
{
  g_autofree char *ca = g_canonicalize_filename (a, NULL);
  g_autofree char *cb = g_canonicalize_filename (b, NULL);

  return g_str_equal (ca, cb);
}

/* Outputs that two inputs would both write, or that would replace another
 * input, anywhere in the whole list: every shard sees the same list, so
 * every shard refuses it the same way, before any work. Memory: a 64-bit
 * hash per input and output, so that a list of millions stays cheap; a
 * hash that matches is checked on the names. */
static int
check_collisions (const Options *options)
{
  g_autoptr (GHashTable) inputs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) outputs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = g_strv_length (options->inputs);

  for (guint i = 0; i < n; i++)
    {
      guint64 *key = g_new (guint64, 1);
      *key = hash_path (options->inputs[i]);
      if (!g_hash_table_contains (inputs, key))
        g_hash_table_insert (inputs, key, GUINT_TO_POINTER (i));
      else
        g_free (key);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (Job) job = plan_one (options, options->inputs[i]);
      if (job == NULL)
        return EXIT_USAGE;

      guint64 hash = hash_path (job->output);
      gpointer value;
      if (g_hash_table_lookup_extended (inputs, &hash, NULL, &value) &&
          same_path (job->output, options->inputs[GPOINTER_TO_UINT (value)]))
        return usage_error (_("refusing to overwrite the input file “%s”; choose another output"),
                            options->inputs[GPOINTER_TO_UINT (value)]);

      if (g_hash_table_lookup_extended (outputs, &hash, NULL, &value))
        {
          guint other = GPOINTER_TO_UINT (value);
          g_autoptr (Job) other_job = plan_one (options, options->inputs[other]);
          if (other_job != NULL && same_path (job->output, other_job->output))
            return usage_error (_("“%s” and “%s” would both be written to “%s”"),
                                options->inputs[other], job->input, job->output);
          continue;
        }
      guint64 *key = g_new (guint64, 1);
      *key = hash;
      g_hash_table_insert (outputs, key, GUINT_TO_POINTER (i));
    }
  return EXIT_OK;
}

/* Complete: a regular file that decodes as an image. enlarge-cli renames
 * an output into place only once it is fully written, so anything else
 * there (a truncated copy, a disk that filled up under another program)
 * is redone. */
static gboolean
output_is_complete (const char *path)
{
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;

  g_autoptr (GError) error = NULL;
  g_autoptr (EnlargeImage) image = enlarge_image_load (path, &error);
  return image != NULL;
}

typedef struct {
  gboolean json;
  const char *shard;   /* "I/N" */
} Reporter;

/* One line on stdout: a JSON object with --json, else "wrote PATH" and the
 * like, as enlarge-cli prints them. These lines stay in English, as --json
 * does: schedulers' scripts read them. */
static void
report (const Reporter *reporter, const char *event, guint index, const Job *job,
        double seconds, const char *detail)
{
  g_autofree char *absolute = g_canonicalize_filename (job->output, NULL);

  if (!reporter->json)
    {
      if (g_str_equal (event, "done"))
        printf ("wrote %s\n", absolute);
      else if (g_str_equal (event, "skipped"))
        printf ("skipped %s: %s\n", absolute, detail);
      else if (g_str_equal (event, "planned"))
        printf ("%s → %s%s%s\n", job->input, job->output,
                detail != NULL ? ": " : "", detail != NULL ? detail : "");
      fflush (stdout);
      return;
    }

  g_autoptr (GString) line = g_string_new ("{\"event\":");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  json_append_string (line, event);
  g_string_append (line, ",\"shard\":");
  json_append_string (line, reporter->shard);
  g_string_append_printf (line, ",\"index\":%u,\"input\":", index);
  json_append_string (line, job->input);
  g_string_append (line, ",\"output\":");
  json_append_string (line, absolute);
  g_string_append_printf (line, ",\"time\":%s",
                          g_ascii_formatd (number, sizeof number, "%.3f",
                                           g_get_real_time () / 1e6));
  if (seconds >= 0)
    g_string_append_printf (line, ",\"seconds\":%s",
                            g_ascii_formatd (number, sizeof number, "%.3f", seconds));
  if (detail != NULL)
    {
      g_string_append (line, g_str_equal (event, "failed") ? ",\"error\":" : ",\"reason\":");
      json_append_string (line, detail);
    }
  g_string_append (line, "}\n");
  fputs (line->str, stdout);
  fflush (stdout);
}

int
enlarge_shard_run (const Options *options, const char *shard, gboolean overwrite, gboolean json,
                   GCancellable *cancellable)
{
  guint64 index = 0, count = 1;

  if (shard != NULL && !parse_shard (shard, &index, &count))
    return usage_error (_("--shard must be I/N with 0 ≤ I < N (for example 0/4), not “%s”"), shard);

  guint n_inputs = g_strv_length (options->inputs);
  if (n_inputs > 1 && options->output != NULL &&
      !g_file_test (options->output, G_FILE_TEST_IS_DIR))
    return usage_error (_("with several inputs, --output must be an existing folder, "
                          "and “%s” is not one"), options->output);

  int status = check_collisions (options);
  if (status != EXIT_OK)
    return status;

  g_autofree char *shard_text = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                                 index, count);
  Reporter reporter = { json, shard_text };
  g_auto (Engine) engine = { NULL, NULL };

  for (guint i = (guint) index; i < n_inputs; i += (guint) count)
    {
      g_autoptr (Job) job = plan_one (options, options->inputs[i]);
      g_autoptr (GError) error = NULL;
      gboolean fatal = FALSE;

      if (job == NULL)
        return EXIT_USAGE;   /* not reached: check_collisions planned it */

      gboolean complete = !overwrite && output_is_complete (job->output);
      if (options->dry_run)
        {
          report (&reporter, "planned", i, job, -1,
                  complete ? "exists and is complete: would be skipped" : NULL);
          continue;
        }
      if (complete)
        {
          report (&reporter, "skipped", i, job, -1, "exists and is complete");
          continue;
        }

      report (&reporter, "started", i, job, -1, NULL);
      gint64 start = g_get_monotonic_time ();
      gboolean ok = run_job (job, &engine, options, cancellable, &fatal, &error);
      double seconds = (g_get_monotonic_time () - start) / 1e6;
      if (!ok)
        cli_signals_exit_if_received ();
      if (ok)
        {
          report (&reporter, "done", i, job, seconds, NULL);
          continue;
        }

      report (&reporter, "failed", i, job, seconds, error->message);
      if (fatal)
        {
          /* Without a model or a device no other input can succeed. */
          print_error ("%s", error->message);
          return fatal_exit_status (error);
        }
      print_error ("%s: %s", job->input, error->message);
      status = EXIT_FAILED;
    }
  return status;
}
