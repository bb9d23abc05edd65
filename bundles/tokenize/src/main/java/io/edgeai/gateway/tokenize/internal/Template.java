package io.edgeai.gateway.tokenize.internal;

import java.util.List;

/**
 * The post-processor for a single text: the special tokens around the sequence, with their type ids.
 *
 * @param pieces the template in order; a piece with a {@code null} token stands for the sequence
 */
record Template(List<Piece> pieces) {

    /**
     * One element of the template.
     *
     * @param token special token text, {@code null} for the sequence
     * @param id special token id
     * @param typeId type id of the piece
     */
    record Piece(String token, int id, int typeId) {}

    /** @return the number of special tokens added */
    int specialCount() {
        return (int) pieces.stream().filter(p -> p.token() != null).count();
    }
}
