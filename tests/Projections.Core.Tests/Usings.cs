global using Xunit;
global using Projections.Testing;
