/**
 * The conversation data model shared by every part of openpista: messages with their roles, tool calls and results, attachments, and the cancellation signal of a running turn. All types are immutable records. 1.1.0: {@link org.openpista.api.chat.DocumentReader}, the text of a document for the model.
 */
@Export
@Version("1.1.0")
package org.openpista.api.chat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
