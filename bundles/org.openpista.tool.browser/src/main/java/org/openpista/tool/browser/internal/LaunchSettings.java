package org.openpista.tool.browser.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start Chromium.
 *
 * @param executable the configured executable, empty to look for one
 * @param headless whether without a window
 * @param profile the persistent profile folder
 * @param browserDir the folder for the log and temporary profiles ({@code $OPENPISTA_HOME/browser})
 * @param width the window's width in CSS pixels
 * @param height the window's height in CSS pixels
 * @param extraArgs more command-line switches, as configured
 */
record LaunchSettings(
        String executable, boolean headless, Path profile, Path browserDir, int width, int height, List<String> extraArgs) {

    LaunchSettings {
        extraArgs = List.copyOf(extraArgs);
    }
}
