/* make-span-model: writes a random-weight SPAN checkpoint in the official
 * key layout, for timing SPAN with enlarge-bench where no real SPAN file
 * can be had (MODELS.md: no reachable package ships one). The weights are
 * noise; the network's size and work are SPAN's.
 *
 *   make-span-model OUT.safetensors [CHANNELS [SCALE]]   (default 48 4,
 *   the published SPAN ×4) */

#include <stdio.h>
#include <stdlib.h>

#include "span-writer.h"

int
main (int argc, char **argv)
{
  SpanCase sc = { 48, 4, FALSE, FALSE, FALSE };
  g_autoptr (WwDict) dict = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  WwOptions options = { 0 };

  if (argc < 2 || argc > 4)
    {
      fprintf (stderr, "usage: make-span-model OUT.safetensors [CHANNELS [SCALE]]\n");
      return 2;
    }
  if (argc > 2)
    sc.nf = atoi (argv[2]);
  if (argc > 3)
    sc.scale = atoi (argv[3]);
  if (sc.nf < 1 || sc.nf > 512 || sc.scale < 1 || sc.scale > 8)
    {
      fprintf (stderr, "make-span-model: CHANNELS 1…512, SCALE 1…8\n");
      return 2;
    }
  dict = span_dict (&sc, 1);
  bytes = ww_write_safetensors (dict, &options);
  if (!g_file_set_contents (argv[1], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      fprintf (stderr, "make-span-model: %s\n", error->message);
      return 1;
    }
  return 0;
}
