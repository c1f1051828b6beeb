/**
 * What the language model provider bundles share, so each of them keeps only its vendor's wire
 * format: {@link org.openpista.provider.support.HttpTransport} (HTTP exchanges read line by line on
 * the calling thread, with a timeout on every pause and immediate cancellation), {@link
 * org.openpista.provider.support.ServerSentEvents} (the event stream format), {@link
 * org.openpista.provider.support.Retrier} (bounded retries of rate limits and server errors with
 * exponential backoff or the server's {@code retry-after}), {@link
 * org.openpista.provider.support.HttpFailures} (one-line {@link
 * org.openpista.api.llm.ProviderException}s without secrets), {@link
 * org.openpista.provider.support.ToolNames} (tool names sanitised for the wire, collisions refused,
 * mapped back exactly), {@link org.openpista.provider.support.StoredLogins} and {@link
 * org.openpista.provider.support.ForwardingProvider}.
 *
 * <p>2.0.0: {@code ProviderRegistration} is gone; provider components register their {@code
 * LlmProvider} through Declarative Services, which publishes {@code provider.name} from their
 * configuration. {@link org.openpista.provider.support.HttpFailures#stalled} tells a stream that
 * went quiet from a server that never answered.
 *
 * <p>2.1.0: {@link org.openpista.provider.support.UserMedia} turns a user message's attachments into
 * image parts, attached text and notes, the same way for every provider.
 *
 * <p>2.2.0: {@link org.openpista.provider.support.HttpTransport#post} sends bodies other than JSON
 * (the multipart upload of speech-to-text).
 *
 * <p>2.3.0: {@link org.openpista.provider.support.ForwardingProvider}, what the providers' components
 * share: every call goes to the provider they built from their configuration.
 *
 * <p>It lives in a bundle of its own rather than in the API bundle, which stays free of HTTP
 * details and is what plug-ins compile against. Its callers are openpista's own provider bundles.
 */
@Export
@Version("2.3.0")
package org.openpista.provider.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
