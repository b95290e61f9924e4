#include "enlarge.h"

/* Every pixel is covered by exactly one tile core, reads stay inside the
 * image and padding completes the margin. */
static void
check_plan_blocked (int w, int h, int tile, int margin, int lead, int block)
{
  g_autoptr (EnlargeTilePlan) plan = enlarge_tile_plan_new_blocked (w, h, tile, margin, 1, lead,
                                                                    block);
  g_autofree guint8 *cover = g_new0 (guint8, (gsize) w * h);

  g_assert_nonnull (plan);
  if (plan->lead == 0)
    g_assert_cmpint (plan->n_tiles, ==, plan->columns * plan->rows);
  for (int i = 0; i < plan->n_tiles; i++)
    {
      const EnlargeTile *t = &plan->tiles[i];
      g_assert_cmpint (t->core.width, >, 0);
      g_assert_cmpint (t->core.height, >, 0);
      if (tile > 0)
        {
          g_assert_cmpint (t->core.width, <=, tile);
          g_assert_cmpint (t->core.height, <=, tile);
        }
      g_assert_cmpint (t->read.x, >=, 0);
      g_assert_cmpint (t->read.y, >=, 0);
      g_assert_cmpint (t->read.x + t->read.width, <=, w);
      g_assert_cmpint (t->read.y + t->read.height, <=, h);
      g_assert_cmpint (t->read.width + t->pad_left + t->pad_right, ==, t->core.width + 2 * margin);
      g_assert_cmpint (t->read.height + t->pad_top + t->pad_bottom, ==, t->core.height + 2 * margin);
      g_assert_cmpint (t->read.x, ==, t->core.x - margin + t->pad_left);
      for (int y = t->core.y; y < t->core.y + t->core.height; y++)
        for (int x = t->core.x; x < t->core.x + t->core.width; x++)
          cover[(gsize) y * w + x]++;
    }
  for (gsize i = 0; i < (gsize) w * h; i++)
    g_assert_cmpuint (cover[i], ==, 1);
}

static void
check_plan (int w, int h, int tile, int margin, int lead)
{
  check_plan_blocked (w, h, tile, margin, lead, 1);
}

/* blocks of @block px the tiles' read rows take */
static int
read_blocks (const EnlargeTilePlan *plan, int block)
{
  int n = 0;
  for (int i = 0; i < plan->n_tiles; i++)
    n += (plan->tiles[i].read.width + block - 1) / block;
  return n;
}

/* Column widths for the kernels' 64 px blocks: the same tiles, as many,
 * none wider than asked, and never more blocks read than the balanced
 * split; fewer where it wasted some (1920 px in 512 px tiles with 40 px
 * margins: reads of 520/560/560/520 take 4 partial blocks) */
static void
test_blocked (void)
{
  const int widths[] = { 300, 700, 1000, 1024, 1500, 1920, 3000 };
  int fewer = 0;

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    for (int margin = 16; margin <= 40; margin += 24)
      for (int block = 32; block <= 64; block *= 2)
        {
          const int w = widths[i];
          g_autoptr (EnlargeTilePlan) a = enlarge_tile_plan_new_full (w, 600, 512, margin, 1, 24);
          g_autoptr (EnlargeTilePlan) b = enlarge_tile_plan_new_blocked (w, 600, 512, margin, 1, 24,
                                                                         block);
          check_plan_blocked (w, 600, 512, margin, 24, block);
          g_assert_cmpint (a->n_tiles, ==, b->n_tiles);
          g_assert_cmpint (a->columns, ==, b->columns);
          g_assert_cmpint (read_blocks (b, block), <=, read_blocks (a, block));
          fewer += read_blocks (b, block) < read_blocks (a, block);
          g_test_message ("%d px, margin %d, blocks of %d: %d → %d", w, margin, block,
                          read_blocks (a, block), read_blocks (b, block));
        }
  g_assert_cmpint (fewer, >, 0);
  {
    g_autoptr (EnlargeTilePlan) a = enlarge_tile_plan_new_full (1920, 512, 512, 40, 1, 0);
    g_autoptr (EnlargeTilePlan) b = enlarge_tile_plan_new_blocked (1920, 512, 512, 40, 1, 0, 64);
    g_assert_cmpint (read_blocks (a, 64), ==, 36);
    g_assert_cmpint (read_blocks (b, 64), ==, 35);
  }
}

static void
test_cover (void)
{
  const int sizes[][2] = { { 1, 1 }, { 200, 150 }, { 33, 7 }, { 1000, 3 }, { 64, 64 }, { 257, 129 } };
  const int tiles[] = { 0, 1, 16, 32, 64, 100, 4096 };
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
      for (int m = 0; m <= 20; m += 10)
        for (int lead = 0; lead <= 40; lead += 20)
          check_plan (sizes[s][0], sizes[s][1], tiles[t], m, lead);
}

/* A lead tile: the same cover, a @lead × @lead first tile, the rest of
 * a @lead-high first row after it, then the usual grid */
static void
test_lead (void)
{
  g_autoptr (EnlargeTilePlan) a = enlarge_tile_plan_new_full (1024, 1024, 512, 16, 1, 64);
  g_autoptr (EnlargeTilePlan) b = enlarge_tile_plan_new_full (1024, 500, 512, 16, 1, 64);
  g_autoptr (EnlargeTilePlan) c = enlarge_tile_plan_new_full (500, 400, 512, 16, 1, 64);
  g_autoptr (EnlargeTilePlan) d = enlarge_tile_plan_new_full (40, 1000, 512, 16, 1, 64);

  g_assert_cmpint (a->lead, ==, 64);
  g_assert_cmpint (a->columns, ==, 2);
  g_assert_cmpint (a->rows, ==, 3);
  /* 64 × 64, then 960 in two */
  g_assert_cmpint (a->n_tiles, ==, 3 + 4);
  g_assert_cmpint (a->tiles[0].core.width, ==, 64);
  g_assert_cmpint (a->tiles[0].core.height, ==, 64);
  g_assert_cmpint (a->tiles[1].core.x, ==, 64);
  g_assert_cmpint (a->tiles[1].core.width, ==, 480);
  g_assert_cmpint (a->tiles[2].core.x, ==, 544);
  g_assert_cmpint (a->tiles[2].core.height, ==, 64);
  g_assert_cmpint (a->tiles[3].core.y, ==, 64);
  g_assert_cmpint (a->tiles[3].core.height, ==, 480);
  g_assert_cmpint (a->tiles[3].read.y, ==, 48);
  g_assert_cmpint (a->tiles[4].core.x, ==, 512);
  g_assert_cmpint (a->tiles[5].core.y, ==, 544);
  g_assert_cmpint (a->tiles[6].core.height, ==, 480);
  /* one row of tiles, but two of them: the lead still comes first */
  g_assert_cmpint (b->lead, ==, 64);
  g_assert_cmpint (b->tiles[0].core.width, ==, 64);
  g_assert_cmpint (b->tiles[0].core.height, ==, 64);
  /* one tile is enough: no lead */
  g_assert_cmpint (c->lead, ==, 0);
  g_assert_cmpint (c->n_tiles, ==, 1);
  /* narrower than the lead: a first row of one tile */
  g_assert_cmpint (d->lead, ==, 64);
  g_assert_cmpint (d->tiles[0].core.width, ==, 40);
  g_assert_cmpint (d->tiles[1].core.y, ==, 64);
}

static void
test_counts (void)
{
  g_autoptr (EnlargeTilePlan) a = enlarge_tile_plan_new (200, 150, 32, 16, 1);
  g_autoptr (EnlargeTilePlan) b = enlarge_tile_plan_new (200, 150, 0, 16, 1);
  g_autoptr (EnlargeTilePlan) c = enlarge_tile_plan_new (100, 100, 50, 0, 1);

  g_assert_cmpint (a->columns, ==, 7);
  g_assert_cmpint (a->rows, ==, 5);
  g_assert_cmpint (b->n_tiles, ==, 1);
  g_assert_cmpint (b->tiles[0].pad_left, ==, 16);
  g_assert_cmpint (b->tiles[0].read.width, ==, 200);
  g_assert_cmpint (c->n_tiles, ==, 4);
  g_assert_cmpint (c->tiles[3].core.x, ==, 50);
  g_assert_cmpint (c->tiles[3].core.y, ==, 50);
}

static void
test_mirror (void)
{
  /* reflect without repeating the edge: -1 → 1, n → n-2 */
  g_assert_cmpint (enlarge_mirror_index (-1, 5), ==, 1);
  g_assert_cmpint (enlarge_mirror_index (-2, 5), ==, 2);
  g_assert_cmpint (enlarge_mirror_index (5, 5), ==, 3);
  g_assert_cmpint (enlarge_mirror_index (6, 5), ==, 2);
  g_assert_cmpint (enlarge_mirror_index (3, 5), ==, 3);
  /* far outside folds back repeatedly and stays in range */
  for (int i = -100; i < 100; i++)
    for (int n = 1; n < 7; n++)
      {
        int m = enlarge_mirror_index (i, n);
        g_assert_cmpint (m, >=, 0);
        g_assert_cmpint (m, <, n);
      }
  g_assert_cmpint (enlarge_mirror_index (-7, 1), ==, 0);
  g_assert_cmpint (enlarge_mirror_index (-3, 2), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tiler/cover", test_cover);
  g_test_add_func ("/tiler/counts", test_counts);
  g_test_add_func ("/tiler/lead", test_lead);
  g_test_add_func ("/tiler/blocked", test_blocked);
  g_test_add_func ("/tiler/mirror", test_mirror);
  return g_test_run ();
}
