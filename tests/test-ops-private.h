/* What tests/test-ops.c shares with the files of the same test program
 * (tests/test-ops-network.c). */

#pragma once

#include "enlarge.h"

G_BEGIN_DECLS

extern EnlargeBackend *ref_backend;
extern EnlargeBackend *cl_backend;  /* NULL without an OpenCL CPU device */
extern char *cl_skip_reason;

#define SKIP_WITHOUT_OPENCL()                   \
  G_STMT_START {                                \
    if (cl_backend == NULL)                     \
      {                                         \
        g_test_skip (cl_skip_reason);           \
        return;                                 \
      }                                         \
  } G_STMT_END

float rand_uniform (GRand *rand, float lo, float hi);
EnlargeTensor *rand_tensor (GRand *rand, int c, int h, int w, float lo, float hi);
/* @a against @ref within the op tests' tolerance, the worst error kept */
void check_outputs (const char *label, const EnlargeTensor *ref, const EnlargeTensor *a);

/* tests/test-ops-network.c */
void test_network (void);
void test_network_residual (void);

G_END_DECLS
