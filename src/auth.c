/*
 * auth.c: password checking with libcrypt.
 *
 * crypt_rn() computes the hash of the offered password with the stored
 * hash as its setting; the two are compared in constant time. For a user
 * that does not exist the same work is done against a dummy hash of the
 * same method and cost (the first hash of the passwd-file, or one of this
 * system's preferred method), so a wrong user and a wrong password look
 * the same from outside, also in time.
 */
#include <sys/types.h>

#include <crypt.h>
#include <errno.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "log.h"

#define PASSWD_LINE_MAX	4096

/* Schemes of Dovecot's passwd-file that are crypt(3) strings. */
static const char *const crypt_schemes[] = {
	"{CRYPT}", "{SHA512-CRYPT}", "{SHA256-CRYPT}", "{BLF-CRYPT}",
	"{MD5-CRYPT}",
};

static char	dummy_hash[CRYPT_OUTPUT_SIZE];

static int
ct_equal(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), n, i;
	unsigned char	d = la != lb;

	n = la > lb ? la : lb;
	for (i = 0; i < n; i++)
		d |= (unsigned char)(i < la ? a[i] : 0) ^
		    (unsigned char)(i < lb ? b[i] : 0);
	return d == 0;
}

/* The crypt(3) string of a stored password, or NULL (unknown scheme). */
static const char *
crypt_string(const char *stored)
{
	size_t	i, n;

	if (stored[0] != '{')
		return stored;
	for (i = 0; i < sizeof(crypt_schemes) / sizeof(crypt_schemes[0]); i++) {
		n = strlen(crypt_schemes[i]);
		if (strncasecmp(stored, crypt_schemes[i], n) == 0)
			return stored + n;
	}
	return NULL;
}

/* Whether pass matches hash; always does the work of one crypt(). */
static int
check(const char *pass, const char *hash)
{
	struct crypt_data	*cd;
	const char		*setting = hash;
	int			 ok;

	if (hash == NULL || hash[0] == '\0' || hash[0] == '!' ||
	    hash[0] == '*')
		setting = NULL;		/* locked or empty: never matches */
	if (setting == NULL || crypt_checksalt(setting) == CRYPT_SALT_INVALID)
		setting = dummy_hash[0] != '\0' ? dummy_hash : "$6$dummy$";
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		fatalx("out of memory");
	ok = crypt_rn(pass, setting, cd, sizeof(*cd)) != NULL &&
	    cd->output[0] != '*' && hash != NULL && setting == hash &&
	    ct_equal(cd->output, hash);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

static void
dummy_init(const char *sample)
{
	char	salt[CRYPT_GENSALT_OUTPUT_SIZE];

	if (dummy_hash[0] != '\0')
		return;
	if (sample != NULL && crypt_checksalt(sample) != CRYPT_SALT_INVALID) {
		strlcpy(dummy_hash, sample, sizeof(dummy_hash));
		return;
	}
	if (crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)) != NULL)
		strlcpy(dummy_hash, salt, sizeof(dummy_hash));
}

/* Split a passwd-file line; fields[0..6]. */
static int
split(char *line, char **f, int n)
{
	static char	empty[1];
	int		i;

	for (i = 0; i < n - 1; i++) {
		f[i] = line;
		if ((line = strchr(line, ':')) == NULL) {
			for (i++; i < n; i++)
				f[i] = empty;
			return 0;
		}
		*line++ = '\0';
	}
	f[n - 1] = line;
	return 0;
}

static int
parse_id(const char *s, unsigned long *r)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*r = strtoul(s, &end, 10);
	return *end != '\0' || errno != 0 || *r > 0x7fffffffUL ? -1 : 0;
}

/*
 * Look user up in the passwd-file: 1 found (hash, u filled), 0 not
 * found, -1 the file cannot be read.
 */
static int
passwd_file_lookup(const char *user, char *hash, size_t hashsize,
    struct auth_user *u)
{
	FILE		*f;
	char		 line[PASSWD_LINE_MAX], *fl[8];
	const char	*cs;
	unsigned long	 uid, gid;
	int		 found = 0;

	if (config.passwd_file[0] == '\0')
		return 0;
	if ((f = fopen(config.passwd_file, "re")) == NULL) {
		log_warn("%s", config.passwd_file);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(f)) {
			/* A line too long to be an entry: skip all of it. */
			int c;
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		split(line, fl, 8);
		if ((cs = crypt_string(fl[1])) != NULL)
			dummy_init(cs);
		if (strcmp(fl[0], user) != 0)
			continue;
		found = 1;
		if (cs == NULL) {
			log_warnx("%s: user %s: unsupported password scheme",
			    config.passwd_file, user);
			hash[0] = '\0';
		} else
			strlcpy(hash, cs, hashsize);
		if (parse_id(fl[2], &uid) == -1 || parse_id(fl[3], &gid) == -1 ||
		    fl[5][0] != '/') {
			log_warnx("%s: user %s: bad uid, gid or home",
			    config.passwd_file, user);
			hash[0] = '\0';
			uid = gid = 0;
		}
		u->uid = (uid_t)uid;
		u->gid = (gid_t)gid;
		strlcpy(u->home, fl[5], sizeof(u->home));
		u->system = 0;
		break;
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return found;
}

static int
system_lookup(const char *user, char *hash, size_t hashsize,
    struct auth_user *u)
{
	struct passwd	*pw;
	struct spwd	*sp;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return errno != 0 && errno != ENOENT && errno != ESRCH ? -1 : 0;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	strlcpy(u->home, pw->pw_dir, sizeof(u->home));
	u->system = 1;
	if ((sp = getspnam(user)) != NULL) {
		strlcpy(hash, sp->sp_pwdp, hashsize);
		/* An expired account (shadow(5) sp_expire, in days). */
		if (sp->sp_expire > 0 &&
		    time(NULL) / 86400 >= (time_t)sp->sp_expire)
			hash[0] = '!';
	} else
		strlcpy(hash, pw->pw_passwd, hashsize);
	endspent();
	return 1;
}

enum auth_result
auth_verify(const char *user, size_t ulen, const char *pass, size_t plen,
    struct auth_user *u)
{
	char		 name[AUTH_USER_MAX + 1], pw[AUTH_PASS_MAX + 1];
	char		 hash[CRYPT_OUTPUT_SIZE];
	const char	*b, *end;
	size_t		 len;
	int		 r = 0, ok, tempfail = 0;

	memset(u, 0, sizeof(*u));
	hash[0] = '\0';
	if (ulen == 0 || ulen > AUTH_USER_MAX || plen > AUTH_PASS_MAX ||
	    memchr(user, '\0', ulen) != NULL || memchr(pass, '\0', plen) != NULL)
		return AUTH_FAIL;
	memcpy(name, user, ulen);
	name[ulen] = '\0';
	memcpy(pw, pass, plen);
	pw[plen] = '\0';
	/* The backends in order; the first that knows the user decides. */
	for (b = config.auth; *b != '\0' && r == 0; b = end) {
		while (*b == ' ' || *b == '\t')
			b++;
		end = b + strcspn(b, " \t");
		len = (size_t)(end - b);
		if (len == 11 && strncmp(b, "passwd-file", 11) == 0)
			r = passwd_file_lookup(name, hash, sizeof(hash), u);
		else if (len == 6 && strncmp(b, "system", 6) == 0)
			r = system_lookup(name, hash, sizeof(hash), u);
		if (r == -1) {
			/* A backend that cannot be read must not let the
			 * next one decide for a user it may hold. */
			tempfail = 1;
			break;
		}
	}
	dummy_init(NULL);
	ok = check(pw, r == 1 ? hash : NULL);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(hash, sizeof(hash));
	if (ok && (u->uid == 0 || u->gid == 0)) {
		log_warnx("user %s maps to uid or gid 0: refused", name);
		ok = 0;
	}
	if (!ok)
		return tempfail ? AUTH_TEMPFAIL : AUTH_FAIL;
	strlcpy(u->name, name, sizeof(u->name));
	return AUTH_OK;
}

int
auth_check_config(char *err, size_t errsize)
{
	const char	*b, *end;
	size_t		 len;
	int		 pf = 0, any = 0;

	for (b = config.auth; *b != '\0'; b = end) {
		while (*b == ' ' || *b == '\t')
			b++;
		end = b + strcspn(b, " \t");
		len = (size_t)(end - b);
		if (len == 0)
			continue;
		any = 1;
		if (len == 11 && strncmp(b, "passwd-file", 11) == 0)
			pf = 1;
		else if (!(len == 6 && strncmp(b, "system", 6) == 0)) {
			(void)snprintf(err, errsize, "auth: unknown backend "
			    "%.*s (passwd-file, system)", (int)len, b);
			return -1;
		}
	}
	if (!any) {
		(void)snprintf(err, errsize, "auth: no backend");
		return -1;
	}
	if (pf && config.passwd_file[0] == '\0') {
		(void)snprintf(err, errsize, "auth has passwd-file but "
		    "passwd_file is not set");
		return -1;
	}
	return 0;
}

int
auth_hash(const char *pass, char *out, size_t outsize)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	int			 r = -1;

	if (crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return -1;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		fatalx("out of memory");
	if (crypt_rn(pass, salt, cd, sizeof(*cd)) != NULL &&
	    cd->output[0] != '*' &&
	    (size_t)snprintf(out, outsize, "{CRYPT}%s", cd->output) < outsize)
		r = 0;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return r;
}
