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

EnlargeTilePlan *
enlarge_tile_plan_new_full (int width, int height, int tile_size, int margin, int align,
                            int lead)
{
  EnlargeTilePlan *plan;
  int sx, sy, y_rest = 0;

  g_return_val_if_fail (width > 0 && height > 0 && margin >= 0, NULL);

  plan = g_new0 (EnlargeTilePlan, 1);
  plan->margin = margin;
  split_axis (width, tile_size, align, &plan->columns, &sx);
  if (lead > 0 && tile_size > 0 && lead < tile_size && height > tile_size)
    {
      /* a short first row, then the rest split as usual */
      y_rest = lead;
      split_axis (height - lead, tile_size, align, &plan->rows, &sy);
      plan->rows++;
    }
  else
    split_axis (height, tile_size, align, &plan->rows, &sy);
  plan->tile_size = MAX (sx, sy);
  plan->n_tiles = plan->columns * plan->rows;
  plan->tiles = g_new0 (EnlargeTile, plan->n_tiles);

  for (int r = 0; r < plan->rows; r++)
    for (int c = 0; c < plan->columns; c++)
      {
        EnlargeTile *t = &plan->tiles[r * plan->columns + c];
        t->core.x = c * sx;
        t->core.width = MIN (sx, width - t->core.x);
        if (y_rest > 0)
          {
            t->core.y = r == 0 ? 0 : y_rest + (r - 1) * sy;
            t->core.height = r == 0 ? y_rest : MIN (sy, height - t->core.y);
          }
        else
          {
            t->core.y = r * sy;
            t->core.height = MIN (sy, height - t->core.y);
          }

        int x0 = t->core.x - margin, y0 = t->core.y - margin;
        int x1 = t->core.x + t->core.width + margin, y1 = t->core.y + t->core.height + margin;
        t->read.x = MAX (x0, 0);
        t->read.y = MAX (y0, 0);
        t->read.width = MIN (x1, width) - t->read.x;
        t->read.height = MIN (y1, height) - t->read.y;
        t->pad_left = t->read.x - x0;
        t->pad_top = t->read.y - y0;
        t->pad_right = x1 - MIN (x1, width);
        t->pad_bottom = y1 - MIN (y1, height);
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
