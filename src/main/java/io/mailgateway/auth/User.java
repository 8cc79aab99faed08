package io.mailgateway.auth;

import java.util.List;

/**
 * One row of {@code users} with its extra sender addresses ({@code user_addresses}). Addresses
 * are canonical ({@link UserStore#canonical}). Never printed with its hash.
 *
 * @param passwordHash Argon2id PHC string ({@link PasswordHasher})
 * @param createdAt    epoch ms
 * @param updatedAt    epoch ms of the last change (password, enabled, aliases); 0 if never
 * @param aliases      addresses besides {@code address} the user may use as envelope sender
 */
public record User(String address, String passwordHash, boolean enabled, long createdAt, long updatedAt, List<String> aliases) {

    public User {
        aliases = List.copyOf(aliases);
    }

    @Override
    public String toString() {
        return "User[" + address + (enabled ? "" : ", disabled") + ", aliases=" + aliases + "]";
    }
}
