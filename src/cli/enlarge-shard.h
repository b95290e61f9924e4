/* enlarge-cli's batch mode: --from FILE (a list of inputs), --shard I/N (this
 * process's share of them), --overwrite and --json (one JSON object per
 * line and file). Stateless and idempotent, so that any scheduler (GNU
 * parallel, xargs, Slurm arrays, Kubernetes Jobs) can run and rerun the
 * shards of a large batch. See README.md, "Large batches". */

#pragma once

#include <glib.h>

#include "enlarge-cli-common.h"

G_BEGIN_DECLS

/* Appends the paths listed in @from (one per line; "-" is standard
 * input; empty lines are skipped) to *@inputs. Returns EXIT_OK, or
 * EXIT_USAGE with the message printed when the list cannot be read. */
int enlarge_shard_add_inputs (const char *from, GStrv *inputs);

/* Runs this shard of @options->inputs (every input when @shard is NULL):
 * input number k (from 0, in the order given) belongs to shard k mod N.
 * An output that exists and is complete (it decodes as an image) is
 * skipped unless @overwrite. With @json each file gets "started" then
 * "done" or "failed", or "skipped", lines on stdout. Returns EXIT_OK when
 * every file of the shard was written or skipped, EXIT_FAILED when one
 * failed, EXIT_USAGE for bad usage (a bad I/N, outputs that collide
 * anywhere in the whole list). */
int enlarge_shard_run (const Options *options, const char *shard, gboolean overwrite,
                       gboolean json, GCancellable *cancellable);

G_END_DECLS
