#include "enlarge-tiler.h"

int
enlarge_mirror_index (int i, int n)
{
  if (n <= 1)
    return 0;
  /* reflect about the edge pixels (… 2 1 [0 1 2 … n-1] n-2 …), periodic
   * with period 2(n-1), so any distance folds back inside */
  const int period = 2 * (n - 1);
  i %= period;
  if (i < 0)
    i += period;
  return i < n ? i : period - i;
}

/* Balanced split: @count pieces of nearly equal size, multiples of @align
 * except the last. */
static void
split_axis (int length, int tile, int align, int *count, int *step)
{
  if (tile <= 0 || tile >= length)
    {
      *count = 1;
      *step = length;
      return;
    }
  *count = (length + tile - 1) / tile;
  *step = (length + *count - 1) / *count;
  if (align > 1)
    *step = (*step + align - 1) / align * align;
  /* rounding up may make the last piece empty: drop it */
  *count = (length + *step - 1) / *step;
}

EnlargeTilePlan *
enlarge_tile_plan_new (int width, int height, int tile_size, int margin, int align)
{
  return enlarge_tile_plan_new_full (width, height, tile_size, margin, align, 0);
}

static void
tile_set (EnlargeTile *t, int x, int y, int w, int h, int width, int height, int margin)
{
  t->core = (EnlargeRect) { x, y, w, h };
  const int x0 = x - margin, y0 = y - margin;
  const int x1 = x + w + margin, y1 = y + h + margin;
  t->read.x = MAX (x0, 0);
  t->read.y = MAX (y0, 0);
  t->read.width = MIN (x1, width) - t->read.x;
  t->read.height = MIN (y1, height) - t->read.y;
  t->pad_left = t->read.x - x0;
  t->pad_top = t->read.y - y0;
  t->pad_right = x1 - MIN (x1, width);
  t->pad_bottom = y1 - MIN (y1, height);
}

EnlargeTilePlan *
enlarge_tile_plan_new_full (int width, int height, int tile_size, int margin, int align,
                            int lead)
{
  EnlargeTilePlan *plan;
  int sx, sy, n = 0, lead_cols = 0, lead_sx = 0;

  g_return_val_if_fail (width > 0 && height > 0 && margin >= 0, NULL);

  plan = g_new0 (EnlargeTilePlan, 1);
  plan->margin = margin;
  split_axis (width, tile_size, align, &plan->columns, &sx);
  if (lead > 0 && tile_size > 0 && lead < tile_size && height > lead &&
      (height > tile_size || width > tile_size))
    {
      /* a lead × lead first tile, the rest of a lead-high first row after
       * it, then the rest split as usual */
      plan->lead = lead;
      if (width > lead)
        split_axis (width - lead, tile_size, align, &lead_cols, &lead_sx);
      split_axis (height - lead, tile_size, align, &plan->rows, &sy);
      plan->rows++;
    }
  else
    split_axis (height, tile_size, align, &plan->rows, &sy);
  plan->tile_size = MAX (sx, sy);
  plan->n_tiles = plan->columns * plan->rows + (plan->lead > 0 ? 1 + lead_cols - plan->columns : 0);
  plan->tiles = g_new0 (EnlargeTile, plan->n_tiles);

  if (plan->lead > 0)
    {
      tile_set (&plan->tiles[n++], 0, 0, MIN (lead, width), lead, width, height, margin);
      for (int c = 0; c < lead_cols; c++)
        {
          const int x = lead + c * lead_sx;
          tile_set (&plan->tiles[n++], x, 0, MIN (lead_sx, width - x), lead, width, height, margin);
        }
    }
  for (int r = plan->lead > 0 ? 1 : 0; r < plan->rows; r++)
    for (int c = 0; c < plan->columns; c++)
      {
        const int y = plan->lead > 0 ? plan->lead + (r - 1) * sy : r * sy;
        tile_set (&plan->tiles[n++], c * sx, y, MIN (sx, width - c * sx), MIN (sy, height - y),
                  width, height, margin);
      }
  return plan;
}

void
enlarge_tile_plan_free (EnlargeTilePlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->tiles);
  g_free (plan);
}
