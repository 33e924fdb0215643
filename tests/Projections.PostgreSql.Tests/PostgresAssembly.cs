using Projections.Testing.PostgreSql;
using Xunit;

[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
