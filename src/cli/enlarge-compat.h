/* enlarge-cli as a drop-in for realesrgan-ncnn-vulkan: the command line of
 * that program (-i -o -n -s -t -m -g -j -x -f -v -h, and upscayl-bin's -c
 * -w -z -r), its folder mode, its progress lines ("12.50%") and its exit
 * status (255 for every error), on the Enlarge engine. See README.md,
 * "realesrgan-ncnn-vulkan compatibility". */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when enlarge-cli was started as realesrgan-ncnn-vulkan (the
 * installed symlink; any name ending in it, so realesrgan-ncnn-vulkan.exe
 * or a versioned copy too) or with --compat among its arguments. */
gboolean enlarge_compat_wanted (int argc, char **argv);

/* Parses realesrgan-ncnn-vulkan's options in @argv (a --compat among them
 * is skipped), runs the jobs and returns the exit status: 0 when every
 * output was written, 255 otherwise. */
int enlarge_compat_main (int argc, char **argv);

G_END_DECLS
