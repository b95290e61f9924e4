/* Helpers shared by the engine and CLI tests: running enlarge-cli, per-test
 * folders, golden data and models that may not be installed. */

#pragma once

#include <glib.h>

#include "enlarge.h"

G_BEGIN_DECLS

/* AddressSanitizer makes each load ~20× slower: the fuzz tests divide
 * their rounds by this there, which keeps them well under a minute. */
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_DIVISOR 4
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_DIVISOR 4
#endif
#endif
#ifndef FUZZ_DIVISOR
#define FUZZ_DIVISOR 1
#endif


/* ---- files and folders -------------------------------------------------- */

GBytes *etu_read_file (const char *path);
void etu_write_file (const char *path, const void *data, gsize len);

/* A new folder from g_dir_make_tmp (@tmpl); fails the test on error. */
char *etu_make_temp_dir (const char *tmpl);

/* Removes @path and, for a folder, everything below it. */
void etu_remove_tree (const char *path);

/* A per-test folder removed when the test ends, pass or fail. */
typedef struct {
  char *path;
} EtuTempDir;

void etu_temp_dir_clear (EtuTempDir *dir);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EtuTempDir, etu_temp_dir_clear)

/* The sorted names in @path, comma separated, hidden ones included (so a
 * leftover temporary ".NAME.XXXXXX" shows up). */
char *etu_list_dir (const char *path);

/* Fail the test, showing @haystack, when @needle is (not) in it. */
void etu_assert_contains (const char *haystack, const char *needle);
void etu_assert_not_contains (const char *haystack, const char *needle);

/* A 2-frame 4 × 4 animated GIF (NETSCAPE loop, 2 colours). */
GBytes *etu_animated_gif (void);

/* ---- golden data (tests/data/golden) ------------------------------------ */

/* $ENLARGE_TEST_DATA, or tests/data in the source tree. */
const char *etu_test_data_dir (void);
char *etu_golden_path (const char *name);
EnlargeImage *etu_load_golden (const char *name);

/* ---- models and backends ------------------------------------------------ */

/* FALSE (and the test skipped, naming the install command) when @model's
 * files are not installed. */
gboolean etu_require_model (const char *model);

/* The loaded model, or NULL with the test skipped when it is not installed. */
EnlargeNet *etu_load_or_skip (const char *id);

/* The path of one of the real PyTorch checkpoints models/install-models.py
 * --test-weights installs ($ENLARGE_TEST_MODELS, else
 * $XDG_DATA_HOME/enlarge/test-models), or NULL with the test skipped
 * (naming the install command) when it is not there. */
char *etu_test_model_or_skip (const char *file);

/* An OpenCL backend (the CPU device, else the GPU), or NULL with the test
 * skipped. */
EnlargeBackend *etu_opencl_or_skip (void);

/* A 3-channel @w × @h tensor of smooth gradients with noise in [0, 1]
 * (something an upscaler does work on), the same for the same @seed. */
EnlargeTensor *etu_gradient_tensor (int w, int h, guint32 seed);

/* A w × h RGB image of waves with noise in ±20 levels, the same for the
 * same @seed (the tiling tests' input) */
EnlargeImage *etu_wave_image (int w, int h, guint32 seed);

/* @net on @in on both backends: PSNR of OpenCL's output against the
 * reference's (etu_tensor_psnr_range) */
double etu_opencl_against_reference (EnlargeBackend *ref, EnlargeBackend *cl, EnlargeNet *net,
                                     const EnlargeTensor *in);

/* A c × h × w tensor / @n floats uniform in [lo, hi) from @rand */
EnlargeTensor *etu_random_tensor (GRand *rand, int c, int h, int w, float lo, float hi);
float *etu_random_floats (GRand *rand, int n, float lo, float hi);

/* PSNR of @b against @a, unclamped, the peak being @a's range; asserts
 * that range is not trivially small and that neither holds a NaN */
double etu_tensor_psnr_range (const EnlargeTensor *a, const EnlargeTensor *b);

/* ---- running enlarge-cli ------------------------------------------------ */

typedef struct {
  int status;     /* exit status, or -1 when killed by a signal */
  char *out;
  char *err;
} EtuCliResult;

void etu_cli_result_clear (EtuCliResult *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EtuCliResult, etu_cli_result_clear)

/* The program run_cli runs: the one set here, else $ENLARGE_CLI. */
void etu_set_cli_path (const char *path);
const char *etu_get_cli_path (void);

/* The argument vector of a CLI run: the program, @args, NULL. */
GPtrArray *etu_cli_argv (const char * const *args);

/* Runs the CLI in @cwd (NULL: the current folder) with the NULL-terminated
 * @args, logging the command line, its status and its output. */
void etu_run_cli_argv (EtuCliResult *result, const char *cwd, const char * const *args);

/* The same with the arguments given inline, NULL-terminated. */
void etu_run_cli (EtuCliResult *result, const char *cwd, ...) G_GNUC_NULL_TERMINATED;

/* Runs the CLI with @args; returns its exit status and hands over its
 * output in @out and @err. */
int etu_run_cli_capture (const char * const *args, char **out, char **err);

G_END_DECLS
