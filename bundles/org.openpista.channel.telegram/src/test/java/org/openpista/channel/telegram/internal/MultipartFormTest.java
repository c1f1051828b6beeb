package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The multipart body: escaped file names, a boundary that never occurs in the content. */
class MultipartFormTest {

    @Test
    void quotesAndLineBreaksInNamesAreEscapedAndNonAsciiKept() throws Exception {
        MultipartForm form = new MultipartForm().file("photo", "a\"b\r\nContent-Type: text/html ü.png", new byte[] {1, 2});

        String body = text(form.body());

        assertThat(body).contains("name=\"photo\"; filename=\"a%22b%0D%0AContent-Type: text/html ü.png\"\r\n");
        assertThat(body.lines().filter(line -> line.startsWith("Content-Type"))).containsExactly(
                "Content-Type: application/octet-stream");
    }

    @Test
    void aBoundaryThatOccursInTheContentIsNotUsed() throws Exception {
        Iterator<String> boundaries = List.of("collides", "collides", "fresh").iterator();
        MultipartForm form = new MultipartForm(boundaries::next).field("text", "this --collides with the boundary")
                .file("document", "a.bin", "--collides".getBytes(StandardCharsets.US_ASCII));

        assertThat(form.contentType()).isEqualTo("multipart/form-data; boundary=fresh");
        String body = text(form.body());
        assertThat(body).startsWith("--fresh\r\n").endsWith("--fresh--\r\n");
        assertThat(body.split("--fresh", -1)).hasSize(4);
    }

    static String text(HttpRequest.BodyPublisher publisher) throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                chunks.add(bytes);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(5, TimeUnit.SECONDS);
        StringBuilder text = new StringBuilder();
        chunks.forEach(bytes -> text.append(new String(bytes, StandardCharsets.UTF_8)));
        return text.toString();
    }
}
