/*
 * demo.c: the demo library's contents and its registration.
 *
 * Everything a demo file shows and plays is decided here, as data: the
 * picture and sound sources, the words on screen, the act breaks. The
 * looks are chosen to be cheap to render (still backgrounds looped, or
 * slow animation) except one series in full motion (testsrc2), so a
 * player's motion handling can be watched; see src/cmd/demo.c for the
 * time budget.
 */
#include "src/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/db.h"
#include "src/rating.h"
#include "src/log.h"
#include "src/strbuf.h"
#include "src/util.h"

#define SZ "size=640x360:rate=25"
/* testsrc2 in motion, cropped so its own timer does not sit under our captions. */
#define MOTION "testsrc2=size=768x432:rate=25,crop=640:360:128:72"
#define AR "sample_rate=48000"
#define MS(m, s) ((int64_t)((m) * 60 + (s)) * 1000)

static const struct demo_show shows[] = {
	{
		.title = "Signal and Noise", .year = 1987, .genre = "Comedy",
		.rating = "TV-PG", .daypart = "prime", .demographic = "family",
		.studio = "Retrovue Studios",
		.summary = "The engineers of a small-town TV station keep the signal on "
		    "the air, whatever the weather, the budget or the owner's nephew "
		    "throws at them.",
		.look = { "smptebars=" SZ, 1, "sine=frequency=1000:" AR, -2.0, "0xFFD000" },
	},
	{
		.title = "Pattern Recognition", .year = 1991, .genre = "Mystery",
		.rating = "TV-14", .daypart = "late_night", .demographic = "adult",
		.studio = "Test Card Productions",
		.summary = "A detective who sees patterns nobody else can, and a city "
		    "that keeps moving.",
		.look = { MOTION, 0, "sine=frequency=660:beep_factor=2:" AR, -4.0,
		    "0x40E0FF" },
	},
	{
		.title = "Fractal Frontier", .year = 1994, .genre = "Science Fiction",
		.rating = "TV-PG", .daypart = "afternoon", .demographic = "family",
		.studio = "Infinite Detail Television",
		.summary = "The crew of the survey ship Julia explore a coastline that "
		    "never ends.",
		.look = { "mandelbrot=" SZ ":maxiter=512", 1,
		    "anoisesrc=color=brown:amplitude=0.3:seed=1994:" AR, 0.0, "0xFF80FF" },
	},
	{
		.title = "Color Theory Kitchen", .year = 1989, .genre = "Cooking",
		.rating = "TV-G", .daypart = "morning", .demographic = "seniors",
		.studio = "Public Access 12",
		.summary = "Chef Hue mixes flavours the way a painter mixes colours.",
		.look = { "gradients=" SZ ":c0=0x203a70:c1=0xe0a040:nb_colors=2:x0=0:y0=0:"
		    "x1=640:y1=360:seed=1", 1, "sine=frequency=330:" AR, -3.0, "0xFFFFFF" },
	},
};

#define SHOW_SIGNAL (&shows[0])
#define SHOW_PATTERN (&shows[1])
#define SHOW_FRACTAL (&shows[2])
#define SHOW_KITCHEN (&shows[3])

#define EPISODE(k, f, sh, s, e, t, d, date, sum, ...) {                     \
	.key = k, .file = f, .kind = DEMO_EPISODE, .show = sh, .season = s,     \
	.episode = e, .title = t, .duration_ms = d, .air_date = date,           \
	.summary = sum,                                                         \
	.breaks_ms = { __VA_ARGS__ },                                           \
	.nbreaks = (int)(sizeof ((int64_t[]){ __VA_ARGS__ }) / sizeof (int64_t)) }

#define SHOWDIR(t) "TV Shows/" t "/Season 01/" t

static const struct demo_item items[] = {
	/* Signal and Noise: bars and tone. */
	EPISODE("signal-and-noise/s01e01", SHOWDIR("Signal and Noise (1987)")
	    " - s01e01 - Pilot.mp4", SHOW_SIGNAL, 1, 1, "Pilot", MS(4, 30), "1987-09-14",
	    "A storm, a new transmitter and a station owner who wants colour by Friday.",
	    MS(1, 10), MS(2, 20), MS(3, 30)),
	EPISODE("signal-and-noise/s01e02", SHOWDIR("Signal and Noise (1987)")
	    " - s01e02 - Off the Air.mp4", SHOW_SIGNAL, 1, 2, "Off the Air", MS(3, 0),
	    "1987-09-21",
	    "The station goes dark during the big game, and everyone in town calls.",
	    MS(1, 0), MS(2, 0)),
	EPISODE("signal-and-noise/s01e03", SHOWDIR("Signal and Noise (1987)")
	    " - s01e03 - Dead Air.mp4", SHOW_SIGNAL, 1, 3, "Dead Air", MS(3, 0),
	    "1987-09-28",
	    "Three seconds of silence on the air lead to a week of trouble.", MS(1, 30)),
	/* Pattern Recognition: full motion. */
	EPISODE("pattern-recognition/s01e01", SHOWDIR("Pattern Recognition (1991)")
	    " - s01e01 - The Grid.mp4", SHOW_PATTERN, 1, 1, "The Grid", MS(3, 0),
	    "1991-10-03",
	    "A body is found at the centre of a perfect grid.", MS(1, 0), MS(2, 0)),
	EPISODE("pattern-recognition/s01e02", SHOWDIR("Pattern Recognition (1991)")
	    " - s01e02 - Moving Parts.mp4", SHOW_PATTERN, 1, 2, "Moving Parts", MS(3, 0),
	    "1991-10-10",
	    "A clock tower that runs one frame fast holds the key.", MS(1, 5), MS(2, 5)),
	/* Fractal Frontier: a new view of the set each week. */
	EPISODE("fractal-frontier/s01e01", SHOWDIR("Fractal Frontier (1994)")
	    " - s01e01 - Into the Set.mp4", SHOW_FRACTAL, 1, 1, "Into the Set", MS(5, 0),
	    "1994-01-08",
	    "The Julia crosses the boundary of the set for the first time.", MS(1, 15),
	    MS(2, 30), MS(3, 45)),
	EPISODE("fractal-frontier/s01e02", SHOWDIR("Fractal Frontier (1994)")
	    " - s01e02 - Seahorse Valley.mp4", SHOW_FRACTAL, 1, 2, "Seahorse Valley",
	    MS(3, 0), "1994-01-15",
	    "Strange spirals lure the crew into an uncharted valley.", MS(1, 0), MS(2, 0)),
	EPISODE("fractal-frontier/s01e03", SHOWDIR("Fractal Frontier (1994)")
	    " - s01e03 - Infinite Coastline.mp4", SHOW_FRACTAL, 1, 3, "Infinite Coastline",
	    MS(3, 0), "1994-01-22",
	    "The closer they look, the longer the coast becomes.", MS(1, 30)),
	/* Color Theory Kitchen: a new gradient each week. */
	EPISODE("color-theory-kitchen/s01e01", SHOWDIR("Color Theory Kitchen (1989)")
	    " - s01e01 - Primary Colors.mp4", SHOW_KITCHEN, 1, 1, "Primary Colors",
	    MS(5, 0), "1989-03-06",
	    "Red peppers, yellow squash and blueberries: a primary-coloured menu.",
	    MS(1, 40), MS(3, 20)),
	EPISODE("color-theory-kitchen/s01e02", SHOWDIR("Color Theory Kitchen (1989)")
	    " - s01e02 - Complementary Flavors.mp4", SHOW_KITCHEN, 1, 2,
	    "Complementary Flavors", MS(3, 0), "1989-03-13",
	    "Opposites attract: orange and blue, sweet and salt.", MS(1, 30)),

	/* Movies. */
	{
		.key = "movie/the-game-of-life", .kind = DEMO_MOVIE,
		.file = "Movies/The Game of Life (1979)/The Game of Life (1979).mp4",
		.title = "The Game of Life", .year = 1979, .duration_ms = MS(2, 30),
		.breaks_ms = { MS(0, 50), MS(1, 40) }, .nbreaks = 2,
		.rating = "PG", .daypart = "afternoon", .demographic = "family",
		.genre = "Drama", .director = "J. H. Conway", .studio = "Cellular Pictures",
		.summary = "Every generation, the colony must decide who lives on.",
		.look = { "life=size=160x90:rate=5:seed=1979:mold=10:ratio=0.1:"
		    "life_color=0x40ff40:death_color=0x802020,scale=640:360:flags=neighbor", 0,
		    "anoisesrc=color=pink:amplitude=0.3:seed=1979:" AR, 1.0, "0x80FF80" },
	},
	{
		.key = "movie/night-of-the-color-bars", .kind = DEMO_MOVIE,
		.file = "Movies/Night of the Color Bars (1984)/Night of the Color Bars (1984).mp4",
		.title = "Night of the Color Bars", .year = 1984, .duration_ms = MS(2, 30),
		.breaks_ms = { MS(0, 50), MS(1, 40) }, .nbreaks = 2,
		.rating = "R", .daypart = "late_night", .demographic = "adult",
		.genre = "Horror", .director = "Vera Sync", .studio = "Midnight Signal Films",
		.summary = "When the station signs off, something stays on the air.",
		.look = { "smptehdbars=" SZ, 1, "sine=frequency=110:" AR, -3.0, "0xFF4040" },
	},
	{
		.key = "movie/test-card-romance", .kind = DEMO_MOVIE,
		.file = "Movies/Test Card Romance (1986)/Test Card Romance (1986).mp4",
		.title = "Test Card Romance", .year = 1986, .duration_ms = MS(2, 30),
		.breaks_ms = { MS(1, 15) }, .nbreaks = 1,
		.rating = "PG-13", .daypart = "prime", .demographic = "adult",
		.genre = "Romance", .director = "Penny Gradient", .studio = "Retrovue Studios",
		.summary = "Two engineers, one transmitter, and a very long night shift.",
		.look = { "gradients=" SZ ":c0=0x1a0a3a:c1=0xd04070:nb_colors=2:x0=0:y0=0:"
		    "x1=640:y1=360:seed=1986", 1, "sine=frequency=523.25:" AR, -4.0,
		    "0xFFC0E0" },
	},

	/* Commercials: companies, categories, dayparts and ratings to choose between. */
	{
		.key = "commercial/sunrise-crunchy-os-30", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/sunrise-foods-crunchy-os-30.mp4",
		.company = "Sunrise Foods", .title = "Crunchy O's Cereal", .category = "food",
		.duration_ms = MS(0, 30), .daypart = "morning", .demographic = "children",
		.rating = "TV-G", .slogan = "Part of this complete breakfast!",
		.call = "In your grocer's cereal aisle",
		.look = { "color=c=0xE08020:" SZ, 1, "sine=frequency=523.25:beep_factor=1.5:" AR,
		    4.0, "0xFFF060" },
	},
	{
		.key = "commercial/big-als-summer-sale-30", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/big-als-motors-summer-sale-30.mp4",
		.company = "Big Al's Motors", .title = "Summer Sales Event", .category = "automotive",
		.duration_ms = MS(0, 30), .daypart = NULL, .demographic = "adult",
		.rating = "TV-PG", .slogan = "Nobody beats Big Al's deals!",
		.call = "Route 9, Springfield - open Sundays",
		.look = { "gradients=" SZ ":c0=0xa01010:c1=0xf0c020:nb_colors=2:x0=0:y0=360:"
		    "x1=640:y1=0:seed=2", 1, "sine=frequency=392:beep_factor=2:" AR, 5.0,
		    "0xFFFFFF" },
	},
	{
		.key = "commercial/megamart-back-to-school-15", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/megamart-back-to-school-15.mp4",
		.company = "MegaMart", .title = "Back to School Savings", .category = "retail",
		.duration_ms = MS(0, 15), .daypart = "afternoon", .demographic = "family",
		.rating = "TV-G", .expires = "2030-09-30", .slogan = "Everything for less.",
		.call = "At MegaMart stores",
		.look = { "color=c=0x1040A0:" SZ, 1, "sine=frequency=587.33:" AR, 2.0, "0xFFE000" },
	},
	{
		.key = "commercial/zoom-turbo-racer-30", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/zoom-toys-turbo-racer-30.mp4",
		.company = "Zoom Toys", .title = "Turbo Racer 3000", .category = "toys",
		.duration_ms = MS(0, 30), .daypart = "afternoon", .demographic = "children",
		.rating = "TV-Y", .slogan = "Batteries not included.",
		.call = "At toy stores everywhere",
		.look = { "gradients=" SZ ":c0=0x6010a0:c1=0x10c0e0:nb_colors=2:x0=0:y0=0:"
		    "x1=640:y1=0:seed=3", 1, "sine=frequency=784:beep_factor=1.25:" AR, 3.0,
		    "0xFFFF40" },
	},
	{
		.key = "commercial/horizon-air-coast-30", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/horizon-air-coast-to-coast-30.mp4",
		.company = "Horizon Air", .title = "Fly Coast to Coast", .category = "travel",
		.duration_ms = MS(0, 30), .daypart = "prime", .demographic = "adult",
		.rating = "TV-G", .expires = "2032-12-31", .slogan = "Fares from $99 each way.",
		.call = "Call 1-800-555-0199",
		.look = { "gradients=" SZ ":c0=0x80c0ff:c1=0x2040a0:nb_colors=2:x0=320:y0=0:"
		    "x1=320:y1=360:seed=4", 1, "sine=frequency=349.23:" AR, 1.0, "0xFFFFFF" },
	},
	{
		.key = "commercial/first-federal-checking-15", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/first-federal-bank-free-checking-15.mp4",
		.company = "First Federal Bank", .title = "Free Checking", .category = "finance",
		.duration_ms = MS(0, 15), .daypart = "morning", .demographic = "seniors",
		.rating = "TV-G", .slogan = "Your neighbor since 1921.", .call = "Member FDIC",
		.look = { "color=c=0x0a4a2a:" SZ, 1, "sine=frequency=261.63:" AR, 0.0, "0xE0D090" },
	},
	{
		.key = "commercial/cosmo-cola-15", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/cosmo-cola-15.mp4",
		.company = "Cosmo Cola", .title = "Cosmo Cola", .category = "beverages",
		.duration_ms = MS(0, 15), .daypart = NULL, .demographic = "family",
		.rating = "TV-G", .slogan = "The taste of tomorrow.",
		.call = "Ice cold at your corner store",
		.look = { "color=c=0xC01020:" SZ, 1, "sine=frequency=659.25:beep_factor=2:" AR, 4.0,
		    "0xFFFFFF" },
	},
	{
		.key = "commercial/sunrise-coffee-15", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/sunrise-foods-instant-coffee-15.mp4",
		.company = "Sunrise Foods", .title = "Sunrise Instant Coffee", .category = "beverages",
		.duration_ms = MS(0, 15), .daypart = "morning", .demographic = "adult",
		.rating = "TV-G", .slogan = "Wake up to Sunrise.", .call = "In the coffee aisle",
		.look = { "color=c=0x5a3418:" SZ, 1, "sine=frequency=440:" AR, 2.0, "0xFFC060" },
	},
	{
		.key = "commercial/galaxy-pizza-30", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/galaxy-pizza-two-large-30.mp4",
		.company = "Galaxy Pizza", .title = "Two Large for $9.99", .category = "food",
		.duration_ms = MS(0, 30), .daypart = "prime", .demographic = "family",
		.rating = "TV-G", .slogan = "Out of this world!", .call = "Call 555-0123 for delivery",
		.look = { "gradients=" SZ ":c0=0x101040:c1=0x8020a0:nb_colors=2:x0=0:y0=0:"
		    "x1=640:y1=360:seed=5", 1, "sine=frequency=493.88:beep_factor=2:" AR, 3.0,
		    "0xFFA020" },
	},
	{
		.key = "commercial/lakeside-insurance-15", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/lakeside-insurance-bundles-15.mp4",
		.company = "Lakeside Insurance", .title = "Auto & Home Bundles", .category = "finance",
		.duration_ms = MS(0, 15), .daypart = "late_night", .demographic = "adult",
		.rating = "TV-PG", .slogan = "Peace of mind on every shore.",
		.call = "Call 1-800-555-0175",
		.look = { "color=c=0x102050:" SZ, 1, "sine=frequency=220:" AR, 1.0, "0x80D0FF" },
	},
	{
		.key = "commercial/dr-sparkle-toothpaste-15", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/dr-sparkle-toothpaste-15.mp4",
		.company = "Dr. Sparkle", .title = "Sparkle Toothpaste", .category = "health",
		.duration_ms = MS(0, 15), .daypart = "morning", .demographic = "family",
		.rating = "TV-G", .slogan = "Four out of five dentists smile.",
		.call = "At drugstores everywhere",
		.look = { "color=c=0x108080:" SZ, 1, "sine=frequency=880:" AR, 2.0, "0xFFFFFF" },
	},
	{
		.key = "commercial/midnight-records-70s-hits-30", .kind = DEMO_COMMERCIAL,
		.file = "Commercials/midnight-records-70s-hits-30.mp4",
		.company = "Midnight Records", .title = "Smooth Hits of the '70s", .category = "music",
		.duration_ms = MS(0, 30), .daypart = "late_night", .demographic = "adult",
		.rating = "TV-14", .slogan = "Four LPs or two cassettes. Not sold in stores!",
		.call = "Call 1-800-555-0142 now",
		.look = { "gradients=" SZ ":c0=0x200818:c1=0x603080:nb_colors=2:x0=0:y0=360:"
		    "x1=640:y1=0:seed=6", 1, "sine=frequency=174.61:" AR, 0.0, "0xFF80C0" },
	},

	/* Bumpers: into and out of breaks. */
	{
		.key = "bumper/be-right-back", .kind = DEMO_BUMPER,
		.file = "Bumpers/we-will-be-right-back.mp4", .title = "WE'LL BE RIGHT BACK",
		.slogan = "Retrovue Television", .duration_ms = MS(0, 5), .rating = "TV-G",
		.notes = "break-in",
		.look = { "gradients=" SZ ":c0=0x100830:c1=0x3050c0:nb_colors=2:x0=0:y0=0:"
		    "x1=640:y1=360:seed=7", 1, "sine=frequency=523.25:beep_factor=1.5:" AR,
		    -1.0, "0xFFD040" },
	},
	{
		.key = "bumper/back-to-our-show", .kind = DEMO_BUMPER,
		.file = "Bumpers/and-now-back-to-our-show.mp4", .title = "AND NOW BACK TO OUR SHOW",
		.slogan = "Retrovue Television", .duration_ms = MS(0, 5), .rating = "TV-G",
		.notes = "break-out",
		.look = { "gradients=" SZ ":c0=0x301008:c1=0xc07030:nb_colors=2:x0=0:y0=0:"
		    "x1=640:y1=360:seed=8", 1, "sine=frequency=659.25:beep_factor=1.5:" AR,
		    -1.0, "0xFFFFFF" },
	},
	{
		.key = "bumper/stay-tuned", .kind = DEMO_BUMPER,
		.file = "Bumpers/stay-tuned.mp4", .title = "STAY TUNED",
		.slogan = "More after these messages", .duration_ms = MS(0, 5), .rating = "TV-G",
		.notes = "break-in",
		.look = { "color=c=0x202020:" SZ, 1, "sine=frequency=440:beep_factor=2:" AR, -2.0,
		    "0x40FFC0" },
	},
	{
		.key = "bumper/welcome-back", .kind = DEMO_BUMPER,
		.file = "Bumpers/welcome-back.mp4", .title = "WELCOME BACK",
		.slogan = "Retrovue Television", .duration_ms = MS(0, 5), .rating = "TV-G",
		.notes = "break-out",
		.look = { "color=c=0x403000:" SZ, 1, "sine=frequency=587.33:beep_factor=2:" AR, -2.0,
		    "0xFFE080" },
	},

	/* Station IDs. */
	{
		.key = "station-id/rvtv-test-pattern", .kind = DEMO_STATION_ID,
		.file = "Station IDs/rvtv-test-pattern-10.mp4", .title = "RVTV",
		.slogan = "You're watching Retrovue Television", .duration_ms = MS(0, 10),
		.rating = "TV-G",
		.look = { MOTION, 0, "sine=frequency=1000:beep_factor=0.5:" AR,
		    -6.0,
		    "0xFFFFFF" },
	},
	{
		.key = "station-id/rvtv-triangle", .kind = DEMO_STATION_ID,
		.file = "Station IDs/rvtv-triangle-10.mp4", .title = "RVTV",
		.slogan = "Your home for classic TV", .duration_ms = MS(0, 10), .rating = "TV-G",
		.look = { "cellauto=pattern=1:rule=90:size=320x180:rate=25,"
		    "scale=640:360:flags=neighbor,format=rgb24,lutrgb=r=val*0.35+20:"
		    "g=val*0.6+30:b=val*0.8+50", 0, "sine=frequency=784:" AR, -3.0, "0xFFFFFF" },
	},
};

/* Per-episode pictures for the series whose look changes each week. */
static const struct {
	const char *key;
	const char *video;
} episode_video[] = {
	{ "fractal-frontier/s01e02", "mandelbrot=" SZ ":maxiter=512:start_x=-0.745:"
	    "start_y=0.11:start_scale=0.06" },
	{ "fractal-frontier/s01e03", "mandelbrot=" SZ ":maxiter=512:start_x=-0.16:"
	    "start_y=1.04:start_scale=0.08" },
	{ "color-theory-kitchen/s01e02", "gradients=" SZ ":c0=0x702040:c1=0x40c080:"
	    "nb_colors=2:x0=0:y0=360:x1=640:y1=0:seed=2" },
};

/* The items. */
const struct demo_item *
demo_items(size_t *n)
{
	*n = nitems(items);
	return items;
}

/* The series. */
const struct demo_show *
demo_shows(size_t *n)
{
	*n = nitems(shows);
	return shows;
}

/* Own look, or the show's with this episode's picture. */
struct demo_look
demo_item_look(const struct demo_item *it)
{
	struct demo_look look;
	size_t i;

	if (it->show == NULL)
		return it->look;
	look = it->show->look;
	for (i = 0; i < nitems(episode_video); i++) {
		if (strcmp(episode_video[i].key, it->key) == 0)
			look.video = episode_video[i].video;
	}
	return look;
}

/* Rating: the show's for episodes. */
const char *
demo_item_rating(const struct demo_item *it)
{
	return it->show != NULL ? it->show->rating : it->rating;
}

/* A short name for messages. */
void
demo_item_label(const struct demo_item *it, char *buf, size_t len)
{
	switch (it->kind) {
	case DEMO_EPISODE:
		snprintf(buf, len, "%s S%02dE%02d", it->show->title, it->season, it->episode);
		break;
	case DEMO_MOVIE:
		snprintf(buf, len, "%s (%d)", it->title, it->year);
		break;
	case DEMO_COMMERCIAL:
		snprintf(buf, len, "%s: %s (:%02lld)", it->company, it->title,
		    (long long)(it->duration_ms / 1000));
		break;
	case DEMO_BUMPER:
		snprintf(buf, len, "bumper \"%s\"", it->title);
		break;
	case DEMO_STATION_ID:
		snprintf(buf, len, "station ID \"%s\"", it->slogan);
		break;
	}
}

/* Append one overlay if there is room. */
static void
add(struct demo_overlay *out, int max, int *n, const struct demo_overlay *o)
{
	if (*n < max)
		out[(*n)++] = *o;
}

static const char *const act_words[] = {
	"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX",
};

/* Titles, act cards, a caption per act and the clock, for a programme. */
static int
programme_overlays(const struct demo_item *it, struct demo_overlay *out, int max)
{
	struct demo_look look = demo_item_look(it);
	struct demo_overlay o;
	const char *name = it->show != NULL ? it->show->title : it->title;
	int64_t start, end, card;
	int n = 0, act;

	for (act = 0; act <= it->nbreaks; act++) {
		start = act == 0 ? 0 : it->breaks_ms[act - 1];
		end = act == it->nbreaks ? it->duration_ms : it->breaks_ms[act];
		/* The card comes up once the picture is back from black. */
		card = act == 0 ? 0 : start + DEMO_GAP_MS / 2;

		memset(&o, 0, sizeof o);
		snprintf(o.text, sizeof o.text, "%s", name);
		o.anchor = DEMO_CENTER;
		o.dy = -48;
		o.size = 40;
		o.color = look.accent;
		o.from_ms = card;
		o.to_ms = card + 3000;
		add(out, max, &n, &o);

		if (it->kind == DEMO_EPISODE)
			snprintf(o.text, sizeof o.text, "S%02dE%02d  %s", it->season, it->episode,
			    it->title);
		else
			snprintf(o.text, sizeof o.text, "A Retrovue Presentation (%d)", it->year);
		o.dy = 4;
		o.size = 24;
		o.color = NULL;
		add(out, max, &n, &o);

		snprintf(o.text, sizeof o.text, "ACT %s", act < (int)nitems(act_words) ?
		    act_words[act] : "");
		o.dy = 44;
		o.size = 22;
		o.color = look.accent;
		add(out, max, &n, &o);

		/* What this is, all through the act. */
		memset(&o, 0, sizeof o);
		if (it->kind == DEMO_EPISODE)
			snprintf(o.text, sizeof o.text, "%s S%02dE%02d - Act %d", name, it->season,
			    it->episode, act + 1);
		else
			snprintf(o.text, sizeof o.text, "%s - Act %d", name, act + 1);
		o.anchor = DEMO_TOP_LEFT;
		o.size = 15;
		o.box = 1;
		o.from_ms = start;
		o.to_ms = end;
		add(out, max, &n, &o);
	}

	memset(&o, 0, sizeof o);
	o.clock = 1;
	o.anchor = DEMO_TOP_RIGHT;
	o.size = DEMO_CLOCK_SIZE;
	add(out, max, &n, &o);
	return n;
}

/* Company, product, slogan and call to action, all through the spot. */
static int
commercial_overlays(const struct demo_item *it, struct demo_overlay *out, int max)
{
	struct demo_look look = demo_item_look(it);
	struct demo_overlay o;
	int n = 0;

	memset(&o, 0, sizeof o);
	snprintf(o.text, sizeof o.text, "Commercial | %s | :%02lld", it->category,
	    (long long)(it->duration_ms / 1000));
	o.anchor = DEMO_TOP_LEFT;
	o.size = 14;
	o.box = 1;
	add(out, max, &n, &o);

	memset(&o, 0, sizeof o);
	snprintf(o.text, sizeof o.text, "%s", it->company);
	o.anchor = DEMO_TOP;
	o.dy = 40;
	o.size = 28;
	o.color = look.accent;
	add(out, max, &n, &o);

	snprintf(o.text, sizeof o.text, "%s", it->title);
	o.anchor = DEMO_CENTER;
	o.dy = -16;
	o.size = 40;
	o.color = NULL;
	add(out, max, &n, &o);

	snprintf(o.text, sizeof o.text, "%s", it->slogan);
	o.dy = 34;
	o.size = 22;
	add(out, max, &n, &o);

	snprintf(o.text, sizeof o.text, "%s", it->call);
	o.anchor = DEMO_BOTTOM;
	o.dy = -8;
	o.size = 24;
	o.color = look.accent;
	add(out, max, &n, &o);
	return n;
}

/* The message of a bumper or station ID. */
static int
clip_overlays(const struct demo_item *it, struct demo_overlay *out, int max)
{
	struct demo_look look = demo_item_look(it);
	struct demo_overlay o;
	int n = 0;

	memset(&o, 0, sizeof o);
	if (it->kind == DEMO_BUMPER)
		snprintf(o.text, sizeof o.text, "Bumper | %s",
		    it->notes != NULL && strcmp(it->notes, "break-in") == 0 ? "into the break" :
		    "out of the break");
	else
		snprintf(o.text, sizeof o.text, "Station ID");
	o.anchor = DEMO_TOP_LEFT;
	o.size = 14;
	o.box = 1;
	add(out, max, &n, &o);

	memset(&o, 0, sizeof o);
	snprintf(o.text, sizeof o.text, "%s", it->title);
	o.anchor = DEMO_CENTER;
	o.dy = it->kind == DEMO_STATION_ID ? -40 : -16;
	o.size = it->kind == DEMO_STATION_ID ? 72 : 40;
	o.color = look.accent;
	add(out, max, &n, &o);

	snprintf(o.text, sizeof o.text, "%s", it->slogan);
	o.dy = it->kind == DEMO_STATION_ID ? 48 : 36;
	o.size = 24;
	o.color = NULL;
	add(out, max, &n, &o);
	return n;
}

/* Everything on screen. */
int
demo_overlays(const struct demo_item *it, struct demo_overlay *out, int max)
{
	switch (it->kind) {
	case DEMO_EPISODE:
	case DEMO_MOVIE:
		return programme_overlays(it, out, max);
	case DEMO_COMMERCIAL:
		return commercial_overlays(it, out, max);
	case DEMO_BUMPER:
	case DEMO_STATION_ID:
		return clip_overlays(it, out, max);
	}
	return 0;
}

/* One second of black and silence centred on each break. */
int
demo_gaps(const struct demo_item *it, struct demo_gap *out, int max)
{
	int i, n = 0;

	for (i = 0; i < it->nbreaks && n < max; i++) {
		out[n].start_ms = it->breaks_ms[i] - DEMO_GAP_MS / 2;
		out[n].duration_ms = DEMO_GAP_MS;
		n++;
	}
	return n;
}

/* The bug: "RVTV" on a transparent ground, for the engine's overlay. */
struct demo_look
demo_bug_look(int *width, int *height)
{
	struct demo_look look = { "color=c=black@0.0:size=160x64:rate=25", 1, NULL, 0, NULL };

	*width = 160;
	*height = 64;
	return look;
}

/* The bug's lettering. */
int
demo_bug_overlays(struct demo_overlay *out, int max)
{
	struct demo_overlay o;
	int n = 0;

	memset(&o, 0, sizeof o);
	snprintf(o.text, sizeof o.text, "RVTV");
	o.anchor = DEMO_CENTER;
	o.dy = 0;
	o.size = 40;
	o.color = "white@0.8";
	add(out, max, &n, &o);
	return n;
}

/* DATA_DIR/demo/FILE. */
char *
demo_path(const char *data_dir, const struct demo_item *it)
{
	char *s;

	xasprintf(&s, "%s/" DEMO_DIR "/%s", data_dir, it->file);
	return s;
}

/* DATA_DIR/demo/Graphics/bug.png. */
char *
demo_bug_path(const char *data_dir)
{
	char *s;

	xasprintf(&s, "%s/" DEMO_DIR "/" DEMO_BUG_FILE, data_dir);
	return s;
}

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* The statements demo_register runs, prepared once. */
enum {
	ST_MEDIA,
	ST_MEDIA_ID,
	ST_SHOW,
	ST_SHOW_ID,
	ST_EPISODE,
	ST_MOVIE,
	ST_META,
	ST_MARKER,
	ST_COUNT,
};

static const char *const register_sql[ST_COUNT] = {
	[ST_MEDIA] =
	    "INSERT INTO media_files (file_path, source_path, duration_ms, media_type, "
	    "source_type, source_id, source_key, library_name, file_size, file_mtime, "
	    "video_codec, audio_codec, width, height, frame_rate) "
	    "VALUES (?1, ?2, ?3, ?4, 'demo', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
	    "ON CONFLICT (source_type, source_id, source_key) WHERE source_key IS NOT NULL "
	    "DO UPDATE SET file_path = excluded.file_path, source_path = excluded.source_path, "
	    "duration_ms = excluded.duration_ms, media_type = excluded.media_type, "
	    "library_name = excluded.library_name, "
	    "validation_status = CASE WHEN file_size IS excluded.file_size AND "
	    "file_mtime IS excluded.file_mtime THEN validation_status ELSE 'unchecked' END, "
	    "file_size = excluded.file_size, file_mtime = excluded.file_mtime, "
	    "video_codec = excluded.video_codec, audio_codec = excluded.audio_codec, "
	    "width = excluded.width, height = excluded.height, "
	    "frame_rate = excluded.frame_rate, updated_at = " NOW " "
	    "WHERE file_path IS NOT excluded.file_path OR source_path IS NOT excluded.source_path "
	    "OR duration_ms IS NOT excluded.duration_ms OR media_type IS NOT excluded.media_type "
	    "OR library_name IS NOT excluded.library_name OR file_size IS NOT excluded.file_size "
	    "OR file_mtime IS NOT excluded.file_mtime OR video_codec IS NOT excluded.video_codec "
	    "OR audio_codec IS NOT excluded.audio_codec OR width IS NOT excluded.width "
	    "OR height IS NOT excluded.height OR frame_rate IS NOT excluded.frame_rate",
	[ST_MEDIA_ID] =
	    "SELECT id FROM media_files WHERE source_type = 'demo' AND source_id = ?1 "
	    "AND source_key = ?2",
	[ST_SHOW] =
	    "INSERT INTO shows (title, year, total_seasons, total_episodes, show_rating, "
	    "show_summary, genre, studio, source_type, source_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'demo', ?9) "
	    "ON CONFLICT (title, year) DO UPDATE SET total_seasons = excluded.total_seasons, "
	    "total_episodes = excluded.total_episodes, show_rating = excluded.show_rating, "
	    "show_summary = excluded.show_summary, genre = excluded.genre, "
	    "studio = excluded.studio, source_id = excluded.source_id, updated_at = " NOW " "
	    "WHERE source_type = 'demo' AND (total_seasons IS NOT excluded.total_seasons "
	    "OR total_episodes IS NOT excluded.total_episodes "
	    "OR show_rating IS NOT excluded.show_rating "
	    "OR show_summary IS NOT excluded.show_summary OR genre IS NOT excluded.genre "
	    "OR studio IS NOT excluded.studio OR source_id IS NOT excluded.source_id)",
	[ST_SHOW_ID] =
	    "SELECT id, source_type FROM shows WHERE title = ?1 AND year = ?2",
	[ST_EPISODE] =
	    "INSERT INTO episodes (media_file_id, show_id, episode_title, season_number, "
	    "episode_number, rating, summary, air_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (media_file_id) DO UPDATE SET show_id = excluded.show_id, "
	    "episode_title = excluded.episode_title, season_number = excluded.season_number, "
	    "episode_number = excluded.episode_number, rating = excluded.rating, "
	    "summary = excluded.summary, air_date = excluded.air_date, updated_at = " NOW " "
	    "WHERE show_id IS NOT excluded.show_id OR episode_title IS NOT excluded.episode_title "
	    "OR season_number IS NOT excluded.season_number "
	    "OR episode_number IS NOT excluded.episode_number OR rating IS NOT excluded.rating "
	    "OR summary IS NOT excluded.summary OR air_date IS NOT excluded.air_date",
	[ST_MOVIE] =
	    "INSERT INTO movies (media_file_id, title, year, rating, summary, genre, director, "
	    "studio) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (media_file_id) DO UPDATE SET title = excluded.title, "
	    "year = excluded.year, rating = excluded.rating, summary = excluded.summary, "
	    "genre = excluded.genre, director = excluded.director, studio = excluded.studio, "
	    "updated_at = " NOW " "
	    "WHERE title IS NOT excluded.title OR year IS NOT excluded.year "
	    "OR rating IS NOT excluded.rating OR summary IS NOT excluded.summary "
	    "OR genre IS NOT excluded.genre OR director IS NOT excluded.director "
	    "OR studio IS NOT excluded.studio",
	[ST_META] =
	    "INSERT INTO content_scheduling_metadata (media_file_id, content_type, "
	    "daypart_preference, content_rating, rating_level, commercial_company, "
	    "commercial_category, commercial_duration, commercial_expiration, "
	    "target_demographic, scheduling_notes) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
	    "ON CONFLICT (media_file_id) DO UPDATE SET content_type = excluded.content_type, "
	    "daypart_preference = excluded.daypart_preference, "
	    "content_rating = excluded.content_rating, rating_level = excluded.rating_level, "
	    "commercial_company = excluded.commercial_company, "
	    "commercial_category = excluded.commercial_category, "
	    "commercial_duration = excluded.commercial_duration, "
	    "commercial_expiration = excluded.commercial_expiration, "
	    "target_demographic = excluded.target_demographic, "
	    "scheduling_notes = excluded.scheduling_notes, updated_at = " NOW " "
	    "WHERE content_type IS NOT excluded.content_type "
	    "OR daypart_preference IS NOT excluded.daypart_preference "
	    "OR content_rating IS NOT excluded.content_rating "
	    "OR rating_level IS NOT excluded.rating_level "
	    "OR commercial_company IS NOT excluded.commercial_company "
	    "OR commercial_category IS NOT excluded.commercial_category "
	    "OR commercial_duration IS NOT excluded.commercial_duration "
	    "OR commercial_expiration IS NOT excluded.commercial_expiration "
	    "OR target_demographic IS NOT excluded.target_demographic "
	    "OR scheduling_notes IS NOT excluded.scheduling_notes",
	[ST_MARKER] =
	    "INSERT INTO chapter_markers (media_file_id, chapter_title, timestamp_ms, source) "
	    "VALUES (?1, ?2, ?3, 'demo') ON CONFLICT (media_file_id, timestamp_ms) DO UPDATE SET "
	    "chapter_title = excluded.chapter_title, source = 'demo', updated_at = " NOW " "
	    "WHERE chapter_title IS NOT excluded.chapter_title OR source IS NOT 'demo'",
};

/* What demo_register carries from step to step. */
struct reg {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	int64_t source_id;
	char **cause;
};

/* Bind text, or NULL. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Run a bound statement to completion; reset it either way. */
static int
run(struct reg *r, int which, const char *what)
{
	sqlite3_stmt *st = r->st[which];
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_cause(r->cause, "%s: %s", what, sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

/* The demo content source's id, created if missing. */
static int
source_id(struct reg *r)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(r->db, "INSERT INTO content_sources (source_type, source_name, "
	    "sync_enabled) VALUES ('demo', ?1, 0) ON CONFLICT (source_name) DO NOTHING", r->cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, DEMO_SOURCE_NAME, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_cause(r->cause, "content source: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	st = db_prepare(r->db, "SELECT id, source_type FROM content_sources "
	    "WHERE source_name = ?1", r->cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, DEMO_SOURCE_NAME, -1, SQLITE_STATIC);
	rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (strcmp(db_text(st, 1), "demo") != 0)
			set_cause(r->cause, "a content source named '%s' of type %s is in the way",
			    DEMO_SOURCE_NAME, db_text(st, 1));
		else {
			r->source_id = sqlite3_column_int64(st, 0);
			rc = 0;
		}
	} else
		set_cause(r->cause, "content source: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	return rc;
}

/* Upsert a show; its id in *id. */
static int
register_show(struct reg *r, const struct demo_show *sh, const struct demo_item *items_,
    size_t n, int64_t *id)
{
	sqlite3_stmt *st = r->st[ST_SHOW];
	size_t i;
	int neps = 0, rc;

	for (i = 0; i < n; i++) {
		if (items_[i].show == sh)
			neps++;
	}
	bind_text(st, 1, sh->title);
	sqlite3_bind_int(st, 2, sh->year);
	sqlite3_bind_int(st, 3, 1);
	sqlite3_bind_int(st, 4, neps);
	bind_text(st, 5, sh->rating);
	bind_text(st, 6, sh->summary);
	bind_text(st, 7, sh->genre);
	bind_text(st, 8, sh->studio);
	sqlite3_bind_int64(st, 9, r->source_id);
	if (run(r, ST_SHOW, sh->title) != 0)
		return -1;

	st = r->st[ST_SHOW_ID];
	bind_text(st, 1, sh->title);
	sqlite3_bind_int(st, 2, sh->year);
	rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (strcmp(db_text(st, 1), "demo") != 0)
			set_cause(r->cause, "a show '%s (%d)' from another source (%s) is in the way",
			    sh->title, sh->year, db_text(st, 1));
		else {
			*id = sqlite3_column_int64(st, 0);
			rc = 0;
		}
	} else
		set_cause(r->cause, "%s: %s", sh->title, sqlite3_errmsg(r->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* The content type of an item on air. */
static const char *
content_type(enum demo_kind kind)
{
	switch (kind) {
	case DEMO_EPISODE:
		return "episode";
	case DEMO_MOVIE:
		return "movie";
	case DEMO_COMMERCIAL:
		return "commercial";
	case DEMO_BUMPER:
		return "bumper";
	case DEMO_STATION_ID:
		return "station_id";
	}
	return "interstitial";
}

/* media_files.media_type. */
static const char *
media_type(enum demo_kind kind)
{
	return kind == DEMO_EPISODE ? "episode" : kind == DEMO_MOVIE ? "movie" : "clip";
}

/* Chapter markers: one per break, named for the act it starts; stale ones removed. */
static int
register_markers(struct reg *r, const struct demo_item *it, int64_t media_id)
{
	sqlite3_stmt *st;
	struct strbuf list = { 0 };
	char title[32], *sql;
	int i, rc;

	for (i = 0; i < it->nbreaks; i++) {
		snprintf(title, sizeof title, "Act %d", i + 2);
		st = r->st[ST_MARKER];
		sqlite3_bind_int64(st, 1, media_id);
		bind_text(st, 2, title);
		sqlite3_bind_int64(st, 3, it->breaks_ms[i]);
		if (run(r, ST_MARKER, it->key) != 0) {
			strbuf_free(&list);
			return -1;
		}
		strbuf_item(&list, ", ", "%lld", (long long)it->breaks_ms[i]);
	}
	xasprintf(&sql, "DELETE FROM chapter_markers WHERE media_file_id = %lld AND "
	    "source = 'demo' AND timestamp_ms NOT IN (%s)", (long long)media_id, strbuf_str(&list));
	rc = db_exec(r->db, sql, r->cause);
	free(sql);
	strbuf_free(&list);
	return rc;
}

/* Everything about one item. */
static int
register_item(struct reg *r, const char *data_dir, const struct demo_item *it,
    const struct demo_file *f, int64_t show_id)
{
	sqlite3_stmt *st;
	char *path, *rel;
	int64_t media_id;
	const char *rating = demo_item_rating(it);
	int rc = -1;

	path = demo_path(data_dir, it);
	xasprintf(&rel, DEMO_DIR "/%s", it->file);
	st = r->st[ST_MEDIA];
	bind_text(st, 1, path);
	bind_text(st, 2, rel);
	sqlite3_bind_int64(st, 3, f->duration_ms);
	bind_text(st, 4, media_type(it->kind));
	sqlite3_bind_int64(st, 5, r->source_id);
	bind_text(st, 6, it->key);
	bind_text(st, 7, DEMO_SOURCE_NAME);
	sqlite3_bind_int64(st, 8, f->size);
	sqlite3_bind_int64(st, 9, f->mtime);
	bind_text(st, 10, f->video_codec);
	bind_text(st, 11, f->audio_codec);
	sqlite3_bind_int(st, 12, f->width);
	sqlite3_bind_int(st, 13, f->height);
	sqlite3_bind_double(st, 14, f->fps);
	if (run(r, ST_MEDIA, it->key) != 0)
		goto out;

	st = r->st[ST_MEDIA_ID];
	sqlite3_bind_int64(st, 1, r->source_id);
	bind_text(st, 2, it->key);
	if (sqlite3_step(st) != SQLITE_ROW) {
		set_cause(r->cause, "%s: not registered: %s", it->key, sqlite3_errmsg(r->db));
		sqlite3_reset(st);
		goto out;
	}
	media_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);

	if (it->kind == DEMO_EPISODE) {
		st = r->st[ST_EPISODE];
		sqlite3_bind_int64(st, 1, media_id);
		sqlite3_bind_int64(st, 2, show_id);
		bind_text(st, 3, it->title);
		sqlite3_bind_int(st, 4, it->season);
		sqlite3_bind_int(st, 5, it->episode);
		bind_text(st, 6, rating);
		bind_text(st, 7, it->summary);
		bind_text(st, 8, it->air_date);
		if (run(r, ST_EPISODE, it->key) != 0)
			goto out;
	} else if (it->kind == DEMO_MOVIE) {
		st = r->st[ST_MOVIE];
		sqlite3_bind_int64(st, 1, media_id);
		bind_text(st, 2, it->title);
		sqlite3_bind_int(st, 3, it->year);
		bind_text(st, 4, rating);
		bind_text(st, 5, it->summary);
		bind_text(st, 6, it->genre);
		bind_text(st, 7, it->director);
		bind_text(st, 8, it->studio);
		if (run(r, ST_MOVIE, it->key) != 0)
			goto out;
	}

	st = r->st[ST_META];
	sqlite3_bind_int64(st, 1, media_id);
	bind_text(st, 2, content_type(it->kind));
	bind_text(st, 3, it->show != NULL ? it->show->daypart : it->daypart);
	bind_text(st, 4, rating);
	if (rating != NULL && rating_level(rating) != RATING_UNRATED)
		sqlite3_bind_int(st, 5, rating_level(rating));
	else
		sqlite3_bind_null(st, 5);
	if (it->kind == DEMO_COMMERCIAL) {
		bind_text(st, 6, it->company);
		bind_text(st, 7, it->category);
		sqlite3_bind_int64(st, 8, it->duration_ms / 1000);
		bind_text(st, 9, it->expires);
	}
	bind_text(st, 10, it->show != NULL ? it->show->demographic : it->demographic);
	bind_text(st, 11, it->notes);
	if (run(r, ST_META, it->key) != 0)
		goto out;

	rc = register_markers(r, it, media_id);
out:
	free(rel);
	free(path);
	return rc;
}

/* Remove demo rows for items the library no longer has, and empty demo shows. */
static int
remove_stale(struct reg *r, const struct demo_item *items_, size_t n)
{
	sqlite3_stmt *st;
	int64_t *stale = NULL;
	size_t i, nstale = 0;
	const char *key;
	char *sql;
	int found, rc = 0;

	st = db_prepare(r->db, "SELECT id, source_key FROM media_files WHERE source_type = 'demo' "
	    "AND source_id = ?1", r->cause);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->source_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		key = db_text(st, 1);
		found = 0;
		for (i = 0; i < n && !found; i++)
			found = strcmp(items_[i].key, key) == 0;
		if (!found) {
			stale = xreallocarray(stale, nstale + 1, sizeof *stale);
			stale[nstale++] = sqlite3_column_int64(st, 0);
			log_info("demo: removing '%s', no longer in the library", key);
		}
	}
	sqlite3_finalize(st);
	for (i = 0; i < nstale && rc == 0; i++) {
		xasprintf(&sql, "DELETE FROM media_files WHERE id = %lld", (long long)stale[i]);
		rc = db_exec(r->db, sql, r->cause);
		free(sql);
	}
	free(stale);
	if (rc != 0)
		return rc;
	xasprintf(&sql, "DELETE FROM shows WHERE source_type = 'demo' AND source_id = %lld AND "
	    "NOT EXISTS (SELECT 1 FROM episodes WHERE show_id = shows.id)",
	    (long long)r->source_id);
	rc = db_exec(r->db, sql, r->cause);
	free(sql);
	return rc;
}

/* Register the library in one transaction. */
int
demo_register(sqlite3 *db, const char *data_dir, const struct demo_item *items_,
    const struct demo_file *files, size_t n, struct demo_stats *stats, char **cause)
{
	struct reg r;
	const struct demo_show *seen[16];
	int64_t seen_id[16], show_id, before;
	size_t i, j, nseen = 0;
	int k, rc = -1;

	memset(&r, 0, sizeof r);
	memset(stats, 0, sizeof *stats);
	r.db = db;
	r.cause = cause;
	for (k = 0; k < ST_COUNT; k++) {
		if ((r.st[k] = db_prepare(db, register_sql[k], cause)) == NULL)
			goto out;
	}
	if (db_begin(db, cause) != 0)
		goto out;
	before = sqlite3_total_changes64(db);
	if (source_id(&r) != 0)
		goto rollback;

	for (i = 0; i < n; i++) {
		if (!files[i].present)
			continue;
		show_id = 0;
		if (items_[i].show != NULL) {
			for (j = 0; j < nseen && seen[j] != items_[i].show; j++)
				;
			if (j == nseen) {
				if (nseen == nitems(seen)) {
					set_cause(cause, "too many shows");
					goto rollback;
				}
				if (register_show(&r, items_[i].show, items_, n, &seen_id[j]) != 0)
					goto rollback;
				seen[nseen++] = items_[i].show;
			}
			show_id = seen_id[j];
		}
		if (register_item(&r, data_dir, &items_[i], &files[i], show_id) != 0)
			goto rollback;
		switch (items_[i].kind) {
		case DEMO_EPISODE:
			stats->episodes++;
			break;
		case DEMO_MOVIE:
			stats->movies++;
			break;
		case DEMO_COMMERCIAL:
			stats->commercials++;
			break;
		case DEMO_BUMPER:
			stats->bumpers++;
			break;
		case DEMO_STATION_ID:
			stats->station_ids++;
			break;
		}
		stats->markers += items_[i].nbreaks;
		stats->total_ms += files[i].duration_ms;
	}
	stats->shows = (int)nseen;
	if (remove_stale(&r, items_, n) != 0)
		goto rollback;
	stats->changes = sqlite3_total_changes64(db) - before;
	if (db_commit(db, cause) != 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	db_rollback(db);
out:
	for (k = 0; k < ST_COUNT; k++)
		sqlite3_finalize(r.st[k]);
	return rc;
}
