#!/usr/bin/env python3
"""Reads the app's accessible tree over the real AT-SPI bus, as Orca does.

Run inside a private session bus under a display (tests/meson.build runs
`xvfb-run dbus-run-session -- python3 a11y-walk.py ENLARGE IMAGE...`): GTK
finds the accessibility bus through org.a11y.Bus on the session bus, which
D-Bus starts on demand (at-spi-bus-launcher, at-spi2-core), and so does
libatspi here. The app is started on the images (several: the queue shows
rows), and each window is opened the way a user would: buttons through
their AT-SPI action, the menu's entries through the app's exported actions
(org.gtk.Actions, what the primary menu activates), files through
org.gtk.Application.Open (what a file manager calls). A toast comes from
opening two more files, a message dialog from upscaling a large image (the
question before a result over 100 megapixels). In each window every
shown interactive control must have a name that is not empty, not a GTK
class name ("GtkButton", "GtkImage") and not one word said twice
("Creativity Creativity"). A toast is walked while it is on screen: its
close button must be named (libadwaita 1.2 leaves it unnamed; the app
names it). Prints the controls checked per window; exits 1 on a failure,
77 (skip) when the accessibility stack is not installed.
"""

import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

try:
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, Gio, GLib
except (ImportError, ValueError) as e:
    print(f"SKIP: the AT-SPI client library is missing ({e}); apt install gir1.2-atspi-2.0 python3-gi")
    sys.exit(77)

APP_ID = "io.github.enlarge.Enlarge"
APP_PATH = "/io/github/enlarge/Enlarge"
TIMEOUT_S = float(os.environ.get("ENLARGE_A11Y_TIMEOUT", "120"))

R = Atspi.Role
# what a screen reader user operates; the other roles are read, not used
CONTROL_ROLES = {
    R.PUSH_BUTTON, R.TOGGLE_BUTTON, R.CHECK_BOX, R.RADIO_BUTTON, R.SLIDER,
    R.SPIN_BUTTON, R.COMBO_BOX, R.ENTRY, R.PASSWORD_TEXT, R.MENU_ITEM,
    R.CHECK_MENU_ITEM, R.RADIO_MENU_ITEM, R.LINK, R.PUSH_BUTTON_MENU,
}
for _name in ("SWITCH",):  # roles newer libatspi versions add
    if hasattr(R, _name):
        CONTROL_ROLES.add(getattr(R, _name))
# list items count when they do something: they take the focus or act
ITEM_ROLES = {R.LIST_ITEM, R.TABLE_CELL, R.TREE_ITEM}
CLASS_NAME = re.compile(r"^(Gtk|Adw|Gdk|Enlarge)[A-Z][A-Za-z0-9]*$")


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def wait_for(what, fn, timeout=TIMEOUT_S, step=0.2):
    end = time.monotonic() + timeout
    while True:
        try:
            value = fn()
        except GLib.Error:
            value = None  # an object that went away while it was read
        if value:
            return value
        if time.monotonic() > end:
            fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def children(acc):
    try:
        n = acc.get_child_count()
    except GLib.Error:
        return []
    out = []
    for i in range(n):
        try:
            c = acc.get_child_at_index(i)
        except GLib.Error:
            continue
        if c is not None:
            out.append(c)
    return out


def visible(acc):
    """Not hidden. GTK 4.8 sets SHOWING on windows only, so a control counts
    when it is not hidden: a closed popover's items are not in the tree, but
    the pages of a stack behind the one shown are (their controls are the
    user's in another state of the window, so they are checked too)."""
    return acc.get_state_set().contains(Atspi.StateType.VISIBLE)


def is_control(acc, role):
    if role in CONTROL_ROLES:
        return True
    if role in ITEM_ROLES:
        states = acc.get_state_set()
        return states.contains(Atspi.StateType.FOCUSABLE) or acc.get_n_actions() > 0
    return False


def name_problem(name):
    if not name or not name.strip():
        return "no name"
    if CLASS_NAME.match(name.strip()):
        return "a class name"
    # GTK 4.8 read a mnemonic button as "_Upscale Upscale"
    words = name.replace("_", "").split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]:
        return "named twice"
    return None


def describe(acc):
    path = []
    a = acc
    for _ in range(4):
        try:
            a = a.get_parent()
        except GLib.Error:
            break
        if a is None:
            break
        path.append(f"{a.get_role_name()}:{a.get_name()!r}")
    return f"{acc.get_role_name()} {acc.get_name()!r} in " + " < ".join(path)


def walk(root, controls, problems, depth=0):
    """Collects the shown controls under @root; hidden subtrees (a closed
    popover, another stack page) are what the user cannot reach either."""
    if depth > 60:
        return
    for c in children(root):
        try:
            if not visible(c):
                continue
            role = c.get_role()
            if is_control(c, role):
                name = c.get_name()
                controls.append(name)
                problem = name_problem(name)
                if problem:
                    problems.append(f"{describe(c)}: {problem}")
                # what a drop-down shows inside is its value, read with it
                if role == R.COMBO_BOX:
                    continue
            walk(c, controls, problems, depth + 1)
        except GLib.Error:
            continue  # gone while read (a toast timing out)


def check_window(label, window, at_least):
    # a window enters the tree before its content does: walk again until
    # the controls it surely has are there
    end = time.monotonic() + 20
    while True:
        controls, problems = [], []
        walk(window, controls, problems)
        if len(controls) >= at_least or time.monotonic() > end:
            break
        time.sleep(0.3)
    # names, not objects: a toast may be gone by now
    names = sorted({n for n in controls if n})
    print(f"{label}: {len(controls)} controls checked"
          + (f"; {len(problems)} without a proper name" if problems else ""), flush=True)
    print("  named: " + ", ".join(repr(n) for n in names), flush=True)
    for p in problems:
        print(f"  {p}", flush=True)
    if len(controls) < at_least:
        fail(f"{label}: only {len(controls)} controls found, expected at least {at_least}")
    return controls, problems


class App:
    def __init__(self, argv, env):
        self.proc = subprocess.Popen(argv, env=env)
        self.root = None

    def find_root(self):
        desktop = Atspi.get_desktop(0)
        for app in children(desktop):
            try:
                if app.get_process_id() == self.proc.pid:
                    return app
            except GLib.Error:
                continue
        return None

    def windows(self):
        # not by SHOWING: GTK 4.8 leaves it off a message dialog; a window
        # is new when it was not in the tree before the step that opens it
        return children(self.root)

    def new_window(self, before, what):
        def found():
            old = {self.key(w) for w in before}
            for w in self.windows():
                if self.key(w) not in old:
                    return w
            return None
        return wait_for(what, found)

    @staticmethod
    def key(acc):
        # the object path on the app's connection names one widget
        return acc.get_path() if hasattr(acc, "get_path") else (acc.get_name(), acc.get_index_in_parent())

    def alive(self):
        if self.proc.poll() is not None:
            fail(f"the app exited with status {self.proc.returncode}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def find(root, pred, depth=0):
    if depth > 60:
        return None
    for c in children(root):
        try:
            if visible(c) and pred(c):
                return c
            hit = find(c, pred, depth + 1)
        except GLib.Error:
            continue
        if hit is not None:
            return hit
    return None


def button(name):
    """A button by its name, also when it is read wrongly ("_Upscale Upscale"),
    so that the walk goes on and reports every problem."""
    def undoubled(text):
        words = text.replace("_", "").split()
        half = len(words) // 2
        if len(words) % 2 == 0 and words[:half] == words[half:]:
            words = words[:half]
        return " ".join(words)
    return lambda a: (a.get_role() in (R.PUSH_BUTTON, R.TOGGLE_BUTTON) and
                      undoubled(a.get_name()) == name)


def click(acc, what):
    n = acc.get_n_actions()
    if n == 0:
        fail(f"{what} has no AT-SPI action")
    if not acc.do_action(0):
        fail(f"{what}: its action {acc.get_action_name(0)!r} did not run")


def activate_app_action(bus, name):
    """What the primary menu's entries do (app.preferences, app.quit)."""
    bus.call_sync(APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                  GLib.Variant("(sava{sv})", (name, [], {})),
                  None, Gio.DBusCallFlags.NONE, 10000, None)


def write_png(path, width, height):
    """A grey PNG, small on disk (every row compresses to nothing)."""
    row = b"\0" + b"\x80" * (3 * width)
    data = zlib.compress(row * height, 9)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def open_files(bus, paths):
    """What a file manager does: org.gtk.Application.Open on the app."""
    uris = [Gio.File.new_for_path(os.path.abspath(p)).get_uri() for p in paths]
    bus.call_sync(APP_ID, APP_PATH, "org.gtk.Application", "Open",
                  GLib.Variant("(assa{sv})", (uris, "", {})),
                  None, Gio.DBusCallFlags.NONE, 10000, None)


def close_window(app, window):
    """Its title bar's Close button, pressed through AT-SPI."""
    close = find(window, button("Close"))
    if close is None:
        fail(f"no Close button in {window.get_name()!r}")
    click(close, f"Close in {window.get_name()!r}")
    # a closed window may stay in the tree (GTK 4.8 keeps hidden windows
    # there): later windows are told apart by what was there before them
    time.sleep(0.5)


def check_new_window(app, what, opener, at_least, close=True):
    """Opens a window with @opener, walks it, closes it; returns its problems."""
    before = app.windows()
    opener()
    window = app.new_window(before, f"the {what}")
    _, problems = check_window(f"{what} {window.get_name()!r}", window, at_least)
    if close:
        close_window(app, window)
    return problems


def main():
    if len(sys.argv) < 3:
        print("usage: a11y-walk.py ENLARGE IMAGE...", file=sys.stderr)
        return 2
    exe, images = sys.argv[1], sys.argv[2:]
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        fail("no session bus: run under dbus-run-session")

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    # GTK and libatspi both ask this for the accessibility bus; D-Bus starts
    # at-spi-bus-launcher on the first call
    try:
        reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
                              None, GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE, 20000, None)
    except GLib.Error as e:
        print(f"SKIP: no accessibility bus on the session bus ({e.message}); apt install at-spi2-core")
        return 77
    print(f"accessibility bus: {reply.unpack()[0].split(',')[0]}", flush=True)

    env = dict(os.environ)
    # GTK's test backend (the other app tests) would keep AT-SPI away
    env.pop("GTK_A11Y", None)
    env["NO_AT_BRIDGE"] = "0"
    Atspi.init()

    tmp_dir = tempfile.TemporaryDirectory(prefix="enlarge-a11y-")
    tmp = tmp_dir.name
    app = App([exe] + images, env)
    try:
        app.root = wait_for("the app on the accessibility bus", app.find_root)
        # libatspi would answer states and names from a cache filled when
        # the app appeared, before its windows were shown
        app.root.set_cache_mask(Atspi.Cache.NONE)
        main_win = wait_for("the main window", lambda: app.windows() and app.windows()[0])
        print(f"app {app.root.get_name()!r}, main window {main_win.get_name()!r}", flush=True)

        # the queue's rows are there once every image is read
        def queue_shown():
            app.alive()
            return find(main_win, lambda a: a.get_role() == R.PUSH_BUTTON and
                        a.get_name().startswith("Remove"))
        wait_for("the queue's rows", queue_shown)
        failures = []

        _, p = check_window("main window", main_win, 20)
        failures += p

        # compare: a button of the main window, pressed through AT-SPI
        compare = wait_for("the Compare button", lambda: find(main_win, button("Compare Models…")))
        failures += check_new_window(app, "compare window", lambda: click(compare, "the compare button"), 5)
        failures += check_new_window(app, "preferences", lambda: activate_app_action(bus, "preferences"), 5)

        # a toast: two more files opened (as a file manager does, through
        # org.gtk.Application.Open) are queued with "Added 2 files to the
        # queue"; its buttons are read while it is shown (5 s)
        open_files(bus, images[1:])

        def toast_buttons():
            app.alive()
            label = find(main_win, lambda a: a.get_role() == R.LABEL and
                         a.get_name().startswith("Added 2 files"))
            # the toast holds its title (in a bin) and its buttons
            a = label
            for _ in range(3):
                a = a.get_parent() if a is not None else None
                found = [(c.get_name(), describe(c)) for c in children(a)
                         if c.get_role() == R.PUSH_BUTTON] if a else []
                if found:
                    return found  # read now: the toast goes in 5 s
            return None
        buttons = wait_for("the toast", toast_buttons, timeout=60, step=0.05)
        print(f"toast: {len(buttons)} button(s): {[name for name, _ in buttons]!r}", flush=True)
        for name, where in buttons:
            problem = name_problem(name)
            if problem:
                failures.append(f"the toast's {where}: {problem}")

        # a dialog: a result over 100 megapixels is asked about before it
        # starts (3000 × 2600 at 4× is 125 MP)
        big = os.path.join(tmp, "large-3000x2600.png")
        write_png(big, 3000, 2600)
        open_files(bus, [big])
        wait_for("the large image to load", lambda: find(
            main_win, lambda a: a.get_role() == R.LABEL and a.get_name().startswith("large-3000x2600.png")))
        upscale = wait_for("the Upscale button", lambda: find(main_win, button("Upscale")))
        failures += check_new_window(app, "dialog", lambda: click(upscale, "the Upscale button"), 2,
                                     close=False)

        if failures:
            fail(f"{len(failures)} controls without a proper name:\n  " + "\n  ".join(failures))
        print("PASS", flush=True)
        return 0
    finally:
        app.stop()
        tmp_dir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
