package org.cohortex.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.cohortex.UserException;

final class Parse {
    private Parse() {}

    static <E extends Enum<E>> E enumValue(Class<E> type, String flag, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) return e;
        }
        throw new UserException(flag + " " + value + ": choose one of "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
