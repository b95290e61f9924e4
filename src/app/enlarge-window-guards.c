/* enlarge-window-guards.c: the questions the main window asks before the
 * user's work or time is lost: opening another image over an unsaved
 * result, closing over an unsaved result or a running job, starting a job
 * whose result is huge. One question at a time; each answer is handled by
 * the function that asked. */

#include "config.h"

#include <glib/gi18n.h>

#include "enlarge-a11y.h"
#include "enlarge-estimate.h"
#include "enlarge-file-io.h"
#include "enlarge-window-private.h"

/* A job asks before it starts when its estimate (enlarge-estimate.c) is
 * over the "ask-above-minutes" setting (10 min by default) or over half
 * the computer's memory, or when its result is over this many megapixels:
 * 100 MP is a 12 MP photo at about 3×, over 400 MB as 8-bit RGBA, and
 * larger ones are rarely meant whatever the device's speed. */
#define HUGE_OUTPUT_MP 100.0

static void
forget_question (EnlargeWindow *self)
{
  if (self->question == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->question, self);
  g_object_remove_weak_pointer (G_OBJECT (self->question), (gpointer *) &self->question);
  self->question = NULL;
  self->answer = NULL;
}

static void
on_question_response (AdwMessageDialog *dialog,
                      const char       *response,
                      EnlargeWindow    *self)
{
  EnlargeAnswerFunc answer = self->answer;

  /* the first answer counts: closing the dialog after it would add the
   * close response */
  forget_question (self);
  if (answer)
    answer (self, response);
}

/* A question with Cancel (also what Escape and closing it give); the
 * caller adds the other responses. */
static AdwMessageDialog *
ask (EnlargeWindow     *self,
     const char        *heading,
     const char        *body,
     EnlargeAnswerFunc  answer)
{
  AdwMessageDialog *dialog;

  /* a new question replaces one still open, which counts as cancelled */
  if (self->question)
    {
      AdwMessageDialog *old = self->question;
      EnlargeAnswerFunc old_answer = self->answer;

      forget_question (self);
      gtk_window_destroy (GTK_WINDOW (old));
      if (old_answer)
        old_answer (self, "cancel");
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  /* the responses added later are named when it is shown */
  enlarge_a11y_name_controls (GTK_WIDGET (dialog));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_default_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_question_response), self);
  self->question = dialog;
  self->answer = answer;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->question);
  return dialog;
}

static void
add_response (AdwMessageDialog  *dialog,
              const char        *id,
              const char        *label,
              AdwResponseAppearance appearance)
{
  adw_message_dialog_add_response (dialog, id, label);
  adw_message_dialog_set_response_appearance (dialog, id, appearance);
  if (appearance == ADW_RESPONSE_SUGGESTED)
    adw_message_dialog_set_default_response (dialog, id);
}

static void
present (AdwMessageDialog *dialog)
{
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- opening over an unsaved result ---------------------------------------- */

void
_enlarge_window_drop_pending (EnlargeWindow *self)
{
  g_clear_pointer (&self->pending_input, enlarge_image_unref);
  g_clear_object (&self->pending_file);
  g_clear_pointer (&self->pending_result, enlarge_image_unref);
  g_clear_object (&self->pending_result_file);
}

void
_enlarge_window_show_pending (EnlargeWindow *self)
{
  g_autoptr (EnlargeImage) input = g_steal_pointer (&self->pending_input);
  g_autoptr (GFile) file = g_steal_pointer (&self->pending_file);
  g_autoptr (EnlargeImage) result = g_steal_pointer (&self->pending_result);
  g_autoptr (GFile) result_file = g_steal_pointer (&self->pending_result_file);

  if (input != NULL)
    _enlarge_window_show_loaded (self, input, file, result, result_file);
}

static void
on_open_answer (EnlargeWindow *self,
                const char    *response)
{
  if (g_str_equal (response, "discard"))
    _enlarge_window_show_pending (self);
  else if (g_str_equal (response, "save"))
    {
      self->after_save = ENLARGE_AFTER_SAVE_SHOW_PENDING;
      _enlarge_window_save (self);
    }
  else
    _enlarge_window_drop_pending (self);
}

void
_enlarge_window_open_loaded (EnlargeWindow *self,
                             EnlargeImage  *image,
                             GFile         *file,
                             EnlargeImage  *result,
                             GFile         *result_file)
{
  gboolean asking = self->question != NULL && self->answer == on_open_answer;

  if (!_enlarge_window_get_unsaved (self) || self->saving)
    {
      _enlarge_window_show_loaded (self, image, file, result, result_file);
      return;
    }

  /* the latest open waits for the answer */
  _enlarge_window_drop_pending (self);
  self->pending_input = enlarge_image_ref (image);
  self->pending_file = file ? g_object_ref (file) : NULL;
  self->pending_result = result ? enlarge_image_ref (result) : NULL;
  self->pending_result_file = result_file ? g_object_ref (result_file) : NULL;
  if (!asking)
    {
      g_autofree char *shown = enlarge_file_io_display_name (self->input_file);
      g_autofree char *opened = enlarge_file_io_display_name (file);
      g_autofree char *body = NULL;
      AdwMessageDialog *dialog;

      /* Translators: the first name is the image shown, the second the one opened */
      body = g_strdup_printf (_("The upscaled image of “%s” has not been saved. "
                                "Opening “%s” replaces it."), shown, opened);
      dialog = ask (self, _("Save the Result?"), body, on_open_answer);
      add_response (dialog, "discard", _("_Discard"), ADW_RESPONSE_DESTRUCTIVE);
      add_response (dialog, "save", _("_Save"), ADW_RESPONSE_SUGGESTED);
      present (dialog);
    }
}

/* ---- closing ------------------------------------------------------------- */

static void
on_close_answer (EnlargeWindow *self,
                 const char    *response)
{
  if (g_str_equal (response, "discard") || g_str_equal (response, "stop"))
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "save"))
    {
      self->after_save = ENLARGE_AFTER_SAVE_CLOSE;
      _enlarge_window_save (self);
    }
}

/* What runs, in words, or NULL when nothing does. */
static char *
describe_running (EnlargeWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  if (enlarge_queue_get_running (self->queue))
    {
      guint waiting = 0;

      for (guint i = 0; i < n; i++)
        if (enlarge_queue_item_get_state (enlarge_queue_get_item (self->queue, i)) != ENLARGE_QUEUE_DONE)
          waiting++;
      return g_strdup_printf (ngettext ("Upscale All is working through the queue; %u file is not done yet.",
                                        "Upscale All is working through the queue; %u files are not done yet.",
                                        waiting), waiting);
    }
  if (self->job.job != NULL || self->restart_id != 0 || _enlarge_window_video_running (self))
    {
      g_autofree char *name = enlarge_file_io_display_name (self->input_file);
      /* Translators: an image or a video is being upscaled */
      return g_strdup_printf (_("“%s” is being upscaled."), name);
    }
  return NULL;
}

gboolean
_enlarge_window_may_close (EnlargeWindow *self)
{
  g_autofree char *running = NULL;
  AdwMessageDialog *dialog;

  if (self->close_confirmed)
    return TRUE;

  running = describe_running (self);
  if (running != NULL)
    {
      g_autofree char *body = NULL;

      if (_enlarge_window_get_unsaved (self))
        body = g_strdup_printf ("%s %s", running,
                                _("Closing stops it, and the unsaved result is lost too."));
      else
        body = g_strdup_printf ("%s %s", running, _("Closing stops it."));
      dialog = ask (self, _("Stop Upscaling?"), body, on_close_answer);
      add_response (dialog, "stop", _("_Stop and Close"), ADW_RESPONSE_DESTRUCTIVE);
      present (dialog);
      return FALSE;
    }
  if (_enlarge_window_get_unsaved (self))
    {
      dialog = ask (self, _("Save the Result?"),
                    _("The upscaled image has not been saved. "
                      "If you close the window, it is lost."),
                    on_close_answer);
      add_response (dialog, "discard", _("_Discard"), ADW_RESPONSE_DESTRUCTIVE);
      add_response (dialog, "save", _("_Save"), ADW_RESPONSE_SUGGESTED);
      present (dialog);
      return FALSE;
    }
  return TRUE;
}

/* ---- huge results ---------------------------------------------------------- */

static void
on_huge_answer (EnlargeWindow *self,
                const char    *response)
{
  if (!g_str_equal (response, "upscale"))
    return;
  self->huge_confirmed = TRUE;
  _enlarge_window_start_job (self);
  self->huge_confirmed = FALSE;
}

gboolean
_enlarge_window_may_start (EnlargeWindow            *self,
                           const EnlargeJobSettings *settings)
{
  EnlargeEstimate estimate;
  int width, height;
  double mp, minutes;
  g_autofree char *heading = NULL;
  g_autofree char *time = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->huge_confirmed || self->input == NULL ||
      !enlarge_job_settings_output_size (settings, self->input->width, self->input->height,
                                         &width, &height) ||
      !enlarge_estimate_compute (settings, self->settings, self->input->width, self->input->height,
                                 self->input->n_channels, &estimate))
    return TRUE;
  mp = (double) width * height / 1e6;
  minutes = g_settings_get_double (self->settings, "ask-above-minutes");
  time = enlarge_estimate_format_duration (estimate.seconds);
  memory = g_format_size (estimate.bytes);
  if (mp > HUGE_OUTPUT_MP)
    /* Translators: the size of a result in megapixels */
    heading = g_strdup_printf (_("Make a %.0f-Megapixel Image?"), mp);
  else if (estimate.bytes > enlarge_estimate_memory_limit ())
    /* Translators: an amount of memory, e.g. "12.1 GB" */
    heading = g_strdup_printf (_("Use %s of Memory?"), memory);
  else if (minutes > 0 && estimate.seconds > minutes * 60)
    /* Translators: an estimated duration, e.g. "about 12 min" */
    heading = g_strdup_printf (_("Upscale for %s?"), time);
  else
    return TRUE;

  /* Translators: width × height, the time and the memory the job takes,
   * then where the estimate comes from */
  body = g_strdup_printf (_("The result will be %d × %d pixels. Making it takes %s and %s "
                            "of memory, %s. A smaller scale factor, or a target size, "
                            "gives a result that is quicker to make and to use."),
                          width, height, time, memory,
                          estimate.measured ? _("from this computer’s speed at the last upscale")
                                            : _("from the speed measured for this model on a typical processor"));
  dialog = ask (self, heading, body, on_huge_answer);
  add_response (dialog, "upscale", _("_Upscale"), ADW_RESPONSE_SUGGESTED);
  /* Enter must not start hours of work */
  adw_message_dialog_set_default_response (dialog, "cancel");
  present (dialog);
  return FALSE;
}

void
_enlarge_window_guards_dispose (EnlargeWindow *self)
{
  if (self->question)
    {
      AdwMessageDialog *dialog = self->question;

      forget_question (self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  _enlarge_window_drop_pending (self);
}

AdwMessageDialog *
enlarge_window_get_question (EnlargeWindow *self)
{
  return self->question;
}
