package org.openpista.tool.screen.internal;

/**
 * Where and how one call captures.
 *
 * @param backend {@code x11}, {@code grim} or {@code screencapture}
 * @param display the X11 display name, grim's output name or the macOS display number; empty for
 *     grim's and screencapture's whole desktop
 * @param note something the model should know about the picture, or empty
 */
record Target(String backend, String display, String note) {}
