namespace Projections.MongoDb;

/// <summary>The MongoDB store's options are unusable (malformed connection string, bad database name, bad write concern). Never contains a password.</summary>
public sealed class MongoStoreConfigurationException(string message) : Exception(message);
