package io.mailgateway.policy.dkim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * A DKIM key record is any domain owner's DNS data: a malformed one is a KeyException (the
 * signature's result is permerror), never an Error that fails the message.
 */
class DkimKeyTest {

    private static String record(byte[] der) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(der);
    }

    @Test
    void should_refuse_der_lengths_past_the_end_of_the_record_without_allocating_them() {
        // SEQUENCE {} then an INTEGER claiming 0x7fff0000 octets: this allocated 2 GiB (OutOfMemoryError)
        assertThatThrownBy(() -> DkimKey.parse(record(new byte[] {0x30, 0x00, 0x02, (byte) 0x84, 0x7f, (byte) 0xff, 0x00, 0x00, 0x01})))
                .isInstanceOf(DkimKey.KeyException.class);
        // ... and 384 MiB, which a 1 GiB heap survived at the price of seconds of collection
        assertThatThrownBy(() -> DkimKey.parse(record(new byte[] {0x30, 0x00, 0x02, (byte) 0x84, 0x18, 0x00, 0x00, 0x00, 0x01})))
                .isInstanceOf(DkimKey.KeyException.class);
        assertThatThrownBy(() -> DkimKey.parse(record(new byte[] {0x30, 0x00, 0x02, (byte) 0x83, 0x01, 0x00, 0x00, 0x01})))
                .isInstanceOf(DkimKey.KeyException.class);
    }
}
