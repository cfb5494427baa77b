package org.cohortex;

/**
 * A problem with what the user gave us (a file, a column, a flag value), as opposed to a bug.
 * The message is shown as it is, so it names the file, line, column or sample and says what to do.
 * The CLI maps it to exit code 1 without a stack trace.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
