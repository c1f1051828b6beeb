/**
 * Fake servers for tests: they speak the real wire protocols of services that tests cannot reach
 * (LLM vendors, Telegram, Slack, Discord, OAuth servers) on 127.0.0.1, are scripted per test and record what they
 * received. Product code reaches them only through configuration ({@code base_url}, {@code
 * api_url}).
 */
@Export
@Version("1.8.0")
package org.openpista.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
