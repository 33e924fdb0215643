using MyApp;
using Projections.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProjections(p => p.Add<OrdersProjection>());   // embedded SQLite under ./data
return await ProjectionsCommandLine.RunAsync(args, builder);      // run, import, status, verify, --help
