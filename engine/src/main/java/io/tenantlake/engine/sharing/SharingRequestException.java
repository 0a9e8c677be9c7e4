package io.tenantlake.engine.sharing;

/** A protocol request that cannot be answered as asked (a bad parameter): a 400 to the client. */
public final class SharingRequestException extends RuntimeException {
  public SharingRequestException(String message) {
    super(message);
  }
}
