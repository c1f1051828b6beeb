/**
 * What the tool bundles that run helper programs share (org.openpista.tool.screen: grim, tesseract,
 * screencapture; org.openpista.tool.desktop: xclip, notify-send, osascript …): {@link
 * org.openpista.tool.support.ChildProcess} (a helper run with an allow-listed environment and capped
 * output) and {@link org.openpista.tool.support.Watchdog} (stops a piece of work once, when its time
 * is up or the turn is cancelled).
 *
 * <p>It is a bundle of its own, not a package one tool bundle exports to the other, so that each tool
 * bundle can be disabled, swapped or updated without refreshing the other. It has no components and
 * costs nothing until a tool runs a helper.
 */
@Export
@Version("1.0.0")
package org.openpista.tool.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
